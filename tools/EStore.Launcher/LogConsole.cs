using EStore.Mesh;

namespace EStore.Launcher;

/// <summary>Writes the children's lines and the launcher's own under coloured, aligned name prefixes.</summary>
internal sealed class LogConsole
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Red = "\u001b[31m";

    // Bright and normal foreground colours that read on dark and light backgrounds alike.
    private static readonly string[] Palette =
        ["\u001b[36m", "\u001b[35m", "\u001b[32m", "\u001b[33m", "\u001b[34m", "\u001b[96m", "\u001b[95m", "\u001b[92m", "\u001b[93m", "\u001b[94m"];

    private const string LauncherName = "launcher";

    private readonly bool _colour;
    private readonly int _width;
    private readonly TextWriter _out;
    private readonly object _gate = new();

    public LogConsole(TextWriter output, bool colour)
    {
        _out = output;
        _colour = colour;
        // Wide enough for the longest catalog app with "#N", so columns never shift while the mesh grows.
        _width = ServiceCatalog.AppNames.Max(n => n.Length) + 2;
    }

    /// <summary>Colours only for a terminal that wants them (https://no-color.org, TERM=dumb).</summary>
    public static bool ShouldUseColour() =>
        !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && Environment.GetEnvironmentVariable("TERM") != "dumb";

    public void Log(ProcessLogLine line) => Write(line.Source, ColourFor(line.Source), line.Text);

    public void Progress(string message) => Write(LauncherName, Bold, message);

    public void Error(string message)
    {
        var lines = message.ReplaceLineEndings("\n").Split('\n');
        lock (_gate)
        {
            foreach (var line in lines)
            {
                Write(LauncherName, Bold + Red, _colour ? Red + line + Reset : line);
            }
        }
    }

    public void Raw(string text)
    {
        lock (_gate)
        {
            _out.WriteLine(text);
            _out.Flush();
        }
    }

    public void Highlight(string text) => Raw(_colour ? Bold + text + Reset : text);

    private void Write(string name, string colour, string text)
    {
        var prefix = name.PadRight(_width) + " | ";
        var line = _colour ? colour + prefix + Reset + text : prefix + text;
        lock (_gate)
        {
            _out.WriteLine(line);
            _out.Flush();
        }
    }

    private static string ColourFor(string source)
    {
        // product-service#2 -> the app's catalog position plus the instance number, so siblings differ.
        var hash = source.IndexOf('#') is var hashAt and > 0 ? hashAt : source.Length;
        var app = source[..hash];
        _ = int.TryParse(source.AsSpan(Math.Min(hash + 1, source.Length)), out var instance);
        var position = ServiceCatalog.AppNames.ToList().IndexOf(app);
        if (position < 0)
        {
            return "\u001b[37m";
        }

        return Palette[(position + Math.Max(0, instance - 1) * 3) % Palette.Length];
    }
}

namespace EStore.Mesh;

/// <summary>A process of the mesh failed to start, become healthy, register or be routed in time.</summary>
public sealed class MeshStartupException : Exception
{
    /// <summary>Creates the exception; the message gets the process's last log lines appended.</summary>
    /// <param name="processName">The process at fault, e.g. <c>product-service#1</c>.</param>
    /// <param name="reason">What went wrong, one line.</param>
    /// <param name="lastLines">Its last log lines.</param>
    public MeshStartupException(string processName, string reason, IReadOnlyList<string> lastLines)
        : base(Format(reason, lastLines))
    {
        ProcessName = processName;
        Reason = reason;
        LastLines = lastLines;
    }

    /// <summary>The process at fault.</summary>
    public string ProcessName { get; }

    /// <summary>What went wrong, without the log lines.</summary>
    public string Reason { get; }

    /// <summary>The process's last log lines.</summary>
    public IReadOnlyList<string> LastLines { get; }

    private static string Format(string reason, IReadOnlyList<string> lines) =>
        lines.Count == 0
            ? reason
            : $"{reason}{Environment.NewLine}last log lines:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", lines)}";
}

using System.Net;
using System.Text.RegularExpressions;

namespace EStore.Notification.Services;

/// <summary>A mail ready to send.</summary>
public sealed record RenderedMail(string Subject, string Html, string Text);

/// <summary>
/// The mail templates of <c>Templates/</c>: per kind <c>&lt;kind&gt;.txt</c> (a <c>Subject:</c> line, a blank line, the
/// plain body) and <c>&lt;kind&gt;.html</c> (the HTML body), each wrapped in <c>_layout.txt</c> / <c>_layout.html</c>.
/// A template holds text and <c>{{name}}</c> placeholders only: nothing in it runs. Values are HTML-encoded in the
/// HTML body (a line break becomes <c>&lt;br&gt;</c>); a placeholder without a value is an error, never blank text.
/// </summary>
public sealed partial class MailTemplates
{
    private const string SubjectPrefix = "Subject:";
    private readonly Dictionary<string, (string Subject, string Text, string Html)> _templates;
    private readonly string _layoutText;
    private readonly string _layoutHtml;

    private MailTemplates(Dictionary<string, (string, string, string)> templates, string layoutText, string layoutHtml)
    {
        _templates = templates;
        _layoutText = layoutText;
        _layoutHtml = layoutHtml;
    }

    /// <summary>The templates next to the service's assembly.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Templates");

    /// <summary>Reads every kind's templates; a missing file or a text template without its subject line fails here, at start.</summary>
    public static MailTemplates Load(string directory)
    {
        string Read(string file)
        {
            var path = Path.Combine(directory, file);
            return File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n").TrimEnd('\n') : throw new InvalidOperationException($"mail template {path} is missing.");
        }

        var templates = new Dictionary<string, (string, string, string)>(StringComparer.Ordinal);
        foreach (var kind in MailKinds.All.Keys)
        {
            var text = Read(kind + ".txt");
            var end = text.IndexOf('\n', StringComparison.Ordinal);
            var firstLine = end >= 0 ? text[..end] : text;
            if (!firstLine.StartsWith(SubjectPrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"mail template {kind}.txt must start with a '{SubjectPrefix}' line.");
            }
            var body = end >= 0 ? text[(end + 1)..].TrimStart('\n') : "";
            templates[kind] = (firstLine[SubjectPrefix.Length..].Trim(), body, Read(kind + ".html"));
        }
        return new MailTemplates(templates, Read("_layout.txt"), Read("_layout.html"));
    }

    /// <summary>The subject of a <paramref name="kind"/> mail with these values.</summary>
    public string Subject(string kind, IReadOnlyDictionary<string, string> values) => Fill(kind, Get(kind).Subject, values, html: false);

    /// <summary>Subject, HTML and plain body. The layout's own values (<c>name</c>, <c>storeName</c>, <c>storeUrl</c>) must be among <paramref name="values"/>.</summary>
    public RenderedMail Render(string kind, IReadOnlyDictionary<string, string> values)
    {
        var template = Get(kind);
        var subject = Fill(kind, template.Subject, values, html: false);
        var layoutValues = new Dictionary<string, string>(values, StringComparer.Ordinal) { ["subject"] = subject };
        // The body is rendered already (its values encoded): it goes into the layout as it is.
        var text = Fill(kind, _layoutText, layoutValues, html: false, body: Fill(kind, template.Text, values, html: false));
        var html = Fill(kind, _layoutHtml, layoutValues, html: true, body: Fill(kind, template.Html, values, html: true));
        return new RenderedMail(subject, html, text);
    }

    private (string Subject, string Text, string Html) Get(string kind) =>
        _templates.TryGetValue(kind, out var template) ? template : throw new ArgumentException($"no mail template '{kind}'.", nameof(kind));

    private static string Fill(string kind, string template, IReadOnlyDictionary<string, string> values, bool html, string? body = null) =>
        Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            if (name == "body" && body is not null)
            {
                return body;
            }
            if (!values.TryGetValue(name, out var value))
            {
                throw new InvalidOperationException($"mail template {kind}: no value for {{{{{name}}}}}.");
            }
            return html ? WebUtility.HtmlEncode(value).ReplaceLineEndings("<br>\n") : value;
        });

    [GeneratedRegex(@"\{\{\s*([A-Za-z]+)\s*\}\}")]
    private static partial Regex Placeholder();
}

using System.Globalization;
using System.Text;

namespace EStore.Platform.Observability;

/// <summary>
/// Prometheus text exposition format 0.0.4. Names are normalised the way OpenTelemetry and
/// Micrometer do it: dots become underscores, the unit becomes a suffix (<c>_seconds</c>,
/// <c>_bytes</c>), counters end in <c>_total</c>, histograms expand to <c>_bucket</c>/<c>_sum</c>/<c>_count</c>
/// (plus Micrometer's <c>_max</c> gauge).
/// </summary>
internal static class PrometheusWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<MetricSnapshot> metrics)
    {
        var text = new StringBuilder(16 * 1024);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in metrics)
        {
            var family = metric.Family;
            var name = BaseName(family.Name, family.Unit);
            switch (family.Kind)
            {
                case MetricKind.Counter:
                    name = name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
                    if (written.Add(name))
                    {
                        Header(text, name, family.Description, "counter");
                        foreach (var series in metric.Series)
                        {
                            Sample(text, name, series.Tags, null, series.Value);
                        }
                    }
                    break;
                case MetricKind.Gauge:
                    if (written.Add(name))
                    {
                        Header(text, name, family.Description, "gauge");
                        foreach (var series in metric.Series)
                        {
                            Sample(text, name, series.Tags, null, series.Value);
                        }
                    }
                    break;
                case MetricKind.Histogram:
                    if (written.Add(name) && written.Add(name + "_max"))
                    {
                        WriteHistogram(text, name, family, metric.Series);
                    }
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>The Prometheus metric name of a dotted name and an OpenTelemetry unit, without the type suffix.</summary>
    internal static string BaseName(string name, string? unit)
    {
        var sanitized = Sanitize(name, allowColon: true);
        return UnitWord(unit) is { } suffix && !sanitized.EndsWith("_" + suffix, StringComparison.Ordinal)
            ? $"{sanitized}_{suffix}"
            : sanitized;
    }

    /// <summary>An OpenTelemetry (UCUM) unit as a word: <c>s</c> → <c>seconds</c>, <c>By</c> → <c>bytes</c>; annotations such as <c>{request}</c> → null.</summary>
    internal static string? UnitWord(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return null;
        }
        // Annotations ({request}) carry no unit.
        var plain = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                plain.Append(c);
            }
        }
        var parts = plain.ToString().Split('/', StringSplitOptions.TrimEntries);
        var head = Word(parts[0]);
        if (parts.Length == 2 && Per(parts[1]) is { } per)
        {
            return head is null ? $"per_{per}" : $"{head}_per_{per}";
        }
        return head;
    }

    // The denominator of a rate is singular: bytes_per_second.
    private static string? Per(string unit) => unit switch
    {
        "s" => "second",
        "ms" => "millisecond",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        _ => Word(unit),
    };

    private static string? Word(string unit) => unit switch
    {
        "" or "1" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "d" => "days",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "bit" => "bits",
        "%" => "percent",
        "Hz" => "hertz",
        "m" => "meters",
        "Cel" => "celsius",
        _ => Sanitize(unit, allowColon: false).Trim('_') is { Length: > 0 } word ? word : null,
    };

    private static void WriteHistogram(StringBuilder text, string name, MetricFamily family, IReadOnlyList<SeriesSnapshot> all)
    {
        Header(text, name, family.Description, "histogram");
        foreach (var series in all)
        {
            long cumulative = 0;
            for (var i = 0; i < family.Boundaries.Length; i++)
            {
                cumulative += series.Buckets[i];
                Sample(text, name + "_bucket", series.Tags, Number(family.Boundaries[i]), cumulative);
            }
            Sample(text, name + "_bucket", series.Tags, "+Inf", series.Count);
            Sample(text, name + "_sum", series.Tags, null, series.Sum);
            Sample(text, name + "_count", series.Tags, null, series.Count);
        }
        Header(text, name + "_max", family.Description, "gauge");
        foreach (var series in all)
        {
            Sample(text, name + "_max", series.Tags, null, series.Max);
        }
    }

    private static void Header(StringBuilder text, string name, string? description, string type)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(description ?? name)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static void Sample(StringBuilder text, string name, KeyValuePair<string, string>[] tags, string? le, double value)
    {
        text.Append(name);
        if (tags.Length > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                var label = Sanitize(tag.Key, allowColon: false);
                // "le" is the bucket label; two tags may also sanitise to one label.
                if ((le is not null && label == "le") || !seen.Add(label))
                {
                    continue;
                }
                if (!first)
                {
                    text.Append(',');
                }
                first = false;
                text.Append(label).Append("=\"").Append(EscapeLabel(tag.Value)).Append('"');
            }
            if (le is not null)
            {
                if (!first)
                {
                    text.Append(',');
                }
                text.Append("le=\"").Append(le).Append('"');
            }
            text.Append('}');
        }
        text.Append(' ').Append(Number(value)).Append('\n');
    }

    internal static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    internal static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }
        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }
        // Runs of underscores (from ". " or "__") collapse to one, as the OpenTelemetry exporter does.
        var collapsed = result.ToString();
        while (collapsed.Contains("__", StringComparison.Ordinal))
        {
            collapsed = collapsed.Replace("__", "_", StringComparison.Ordinal);
        }
        return collapsed;
    }

    private static string EscapeHelp(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);
}

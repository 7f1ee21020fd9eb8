using System.Globalization;
using System.Text.RegularExpressions;

namespace EStore.Observability.Tests;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4: comment syntax, metric and
/// label names, label value escapes, float values, one TYPE per family before its samples,
/// families not interleaved, no duplicate series, and histogram consistency.
/// </summary>
internal static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, List<Sample> Samples);

    public static Dictionary<string, Family> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the last line does not end with a line feed");
        }
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lineNumber = 0;
        foreach (var line in text.Split('\n')[..^1])
        {
            lineNumber++;
            string Where() => $"line {lineNumber}: '{line}'";
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    if (!MetricName().IsMatch(parts[2]))
                    {
                        throw new FormatException($"bad metric name, {Where()}");
                    }
                    if (parts[1] == "HELP")
                    {
                        if (!helps.Add(parts[2]))
                        {
                            throw new FormatException($"second HELP, {Where()}");
                        }
                        CheckHelpEscapes(parts.Length == 4 ? parts[3] : "", Where);
                        continue;
                    }
                    if (parts.Length != 4 || parts[3] is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                    {
                        throw new FormatException($"bad TYPE, {Where()}");
                    }
                    if (families.ContainsKey(parts[2]))
                    {
                        throw new FormatException($"second TYPE or TYPE after samples, {Where()}");
                    }
                    families[parts[2]] = new Family(parts[2], parts[3], []);
                    current = parts[2];
                }
                continue;
            }
            var sample = ParseSample(line, Where);
            var family = FamilyOf(sample.Name, families);
            if (family is null || family.Name != current)
            {
                throw new FormatException($"sample outside its family's block (or before its TYPE), {Where()}");
            }
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key))
            {
                throw new FormatException($"duplicate series, {Where()}");
            }
            if (family.Type == "counter" && sample.Value < 0)
            {
                throw new FormatException($"negative counter, {Where()}");
            }
            family.Samples.Add(sample);
        }
        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }
        return families;
    }

    private static Family? FamilyOf(string sampleName, Dictionary<string, Family> families)
    {
        if (families.TryGetValue(sampleName, out var exact) && exact.Type != "histogram")
        {
            return exact;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var histogram) && histogram.Type == "histogram")
            {
                return histogram;
            }
        }
        return null;
    }

    private static void CheckHistogram(Family family)
    {
        foreach (var group in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"))))
        {
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var count = group.Single(s => s.Name == family.Name + "_count").Value;
            group.Single(s => s.Name == family.Name + "_sum");
            if (buckets.Count == 0 || buckets[^1].Labels["le"] != "+Inf" || buckets[^1].Value != count)
            {
                throw new FormatException($"{family.Name}{{{group.Key}}}: no +Inf bucket equal to _count");
            }
            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var bound = ParseFloat(bucket.Labels["le"]);
                if (bound <= previousBound || bucket.Value < previousCount)
                {
                    throw new FormatException($"{family.Name}{{{group.Key}}}: buckets not ascending and cumulative");
                }
                previousBound = bound;
                previousCount = bucket.Value;
            }
        }
    }

    private static Sample ParseSample(string line, Func<string> where)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }
        var name = line[..i];
        if (!MetricName().IsMatch(name))
        {
            throw new FormatException($"bad metric name, {where()}");
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (line[i] == '}')
                {
                    i++;
                    break;
                }
                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }
                var label = line[start..i];
                if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal) || i + 1 >= line.Length || line[i + 1] != '"')
                {
                    throw new FormatException($"bad label '{label}', {where()}");
                }
                i += 2;
                var value = new System.Text.StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        value.Append(line[i + 1] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"bad escape, {where()}"),
                        });
                        i += 2;
                        continue;
                    }
                    value.Append(line[i++]);
                }
                i++;
                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"repeated label {label}, {where()}");
                }
                if (line[i] == ',')
                {
                    i++;
                }
                else if (line[i] != '}')
                {
                    throw new FormatException($"expected , or }}, {where()}");
                }
            }
        }
        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"expected a space before the value, {where()}");
        }
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length > 2 || (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"bad value or timestamp, {where()}");
        }
        return new Sample(name, labels, ParseFloat(rest[0]));
    }

    private static double ParseFloat(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when FloatText().IsMatch(text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"bad float '{text}'"),
    };

    private static void CheckHelpEscapes(string help, Func<string> where)
    {
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\' && (i + 1 >= help.Length || help[i + 1] is not ('\\' or 'n')))
            {
                throw new FormatException($"bad HELP escape, {where()}");
            }
            if (help[i] == '\\')
            {
                i++;
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")]
    private static partial Regex FloatText();
}

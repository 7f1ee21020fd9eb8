using EStore.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Observability;

/// <summary>Spring Boot Actuator's <c>/actuator/metrics</c> JSON (names; one metric's measurements and tags).</summary>
internal static class MetricsEndpoints
{
    public static IResult Names(ActuatorMetrics metrics) => Results.Json(new Dictionary<string, object> { ["names"] = metrics.Collect().Select(m => m.Name).ToList() });

    public static IResult Metric(string name, HttpContext http, ActuatorMetrics metrics)
    {
        var filters = new List<KeyValuePair<string, string>>();
        foreach (var tag in http.Request.Query["tag"])
        {
            // tag=KEY:VALUE; the value may itself contain ':'.
            var colon = tag?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon <= 0)
            {
                return ProblemResponses.BadRequest($"Tag '{tag}' is not of the form KEY:VALUE.");
            }
            filters.Add(new(tag![..colon], tag[(colon + 1)..]));
        }
        if (metrics.Collect(name) is not { } metric)
        {
            return ProblemResponses.NotFound($"No metric named '{name}'.");
        }
        var matching = metric.Series.Where(s => filters.All(f => s.Tags.Any(t => t.Key == f.Key && t.Value == f.Value))).ToList();
        if (filters.Count > 0 && matching.Count == 0)
        {
            return ProblemResponses.NotFound($"No '{name}' measurements have the tags {string.Join(", ", filters.Select(f => $"{f.Key}:{f.Value}"))}.");
        }
        var body = new Dictionary<string, object?>
        {
            ["name"] = metric.Name,
            ["description"] = metric.Description,
            ["baseUnit"] = BaseUnit(metric.Unit),
            ["measurements"] = Measurements(metric, matching),
            ["availableTags"] = matching
                .SelectMany(s => s.Tags)
                .Where(t => !filters.Any(f => f.Key == t.Key))
                .GroupBy(t => t.Key, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new Dictionary<string, object> { ["tag"] = g.Key, ["values"] = g.Select(t => t.Value).Distinct().Order(StringComparer.Ordinal).ToList() })
                .ToList(),
        };
        return Results.Json(body);
    }

    // Spring's words for the UCUM units .NET's meters use; annotations such as {request} are no unit.
    private static string? BaseUnit(string? unit) => unit switch
    {
        null or "" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        _ when unit.StartsWith('{') => null,
        _ => unit,
    };

    private static List<Dictionary<string, object>> Measurements(MetricSnapshot metric, List<SeriesSnapshot> series)
    {
        static Dictionary<string, object> Measurement(string statistic, double value) => new() { ["statistic"] = statistic, ["value"] = value };
        var result = new List<Dictionary<string, object>>();
        switch (metric.Kind)
        {
            case MetricKind.Counter:
                result.Add(Measurement("COUNT", series.Sum(s => s.Value)));
                break;
            case MetricKind.Gauge:
                result.Add(Measurement("VALUE", series.Sum(s => s.Value)));
                break;
            case MetricKind.Histogram:
                var isTime = metric.Unit is "s" or "ms" or "us" or "ns" or "min" or "h";
                result.Add(Measurement("COUNT", series.Sum(s => s.Count)));
                result.Add(Measurement(isTime ? "TOTAL_TIME" : "TOTAL", series.Sum(s => s.Sum)));
                result.Add(Measurement("MAX", series.Count == 0 ? 0 : series.Max(s => s.Max)));
                break;
        }
        // JSON has no NaN or infinity: a gauge reporting one is left out rather than break the response.
        result.RemoveAll(m => m["value"] is double d && !double.IsFinite(d));
        return result;
    }
}

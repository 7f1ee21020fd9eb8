using System.Globalization;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Observability;

/// <summary>
/// Tracing, Zipkin, OTLP and metrics settings, read once at startup from <c>Tracing:*</c>, <c>Zipkin:*</c>, <c>Otlp:*</c>
/// and <c>Metrics:*</c>; a malformed value stops startup with one line naming the key.
/// </summary>
public sealed record ObservabilitySettings
{
    /// <summary>Configuration key of the Zipkin span endpoint.</summary>
    public const string ZipkinEndpointKey = "Zipkin:Endpoint";

    /// <summary>Configuration key of the OTLP trace endpoint (unset: no OTLP export).</summary>
    public const string OtlpEndpointKey = "Otlp:Endpoint";

    /// <summary>Configuration key of the sampling ratio of new traces.</summary>
    public const string SamplingRatioKey = "Tracing:SamplingRatio";

    /// <summary>Configuration key that turns tracing off altogether.</summary>
    public const string EnabledKey = "Tracing:Enabled";

    /// <summary>Configuration key of the request paths never traced.</summary>
    public const string ExcludedPathsKey = "Tracing:ExcludedPaths";

    /// <summary>Configuration key that traces HTTP and database calls made outside any request or message.</summary>
    public const string TraceBackgroundCallsKey = "Tracing:TraceBackgroundCalls";

    /// <summary>Configuration key of the metrics left out of the actuator (comma-separated names; a name ending in '.' is a prefix).</summary>
    public const string ExcludedMetricsKey = "Metrics:Excluded";

    /// <summary>
    /// Instruments that record on every request (or every buffer) and tell an operator little, left out by default:
    /// each measurement costs the request path a few hundred nanoseconds. Set <see cref="ExcludedMetricsKey"/> to change the list.
    /// </summary>
    public static IReadOnlyList<string> DefaultExcludedMetrics { get; } =
    [
        "aspnetcore.memory_pool.",
        "aspnetcore.routing.match_attempts",
        "aspnetcore.authentication.authenticate.duration",
        "aspnetcore.rate_limiting.active_request_leases",
        "aspnetcore.rate_limiting.request_lease.duration",
    ];

    /// <summary>Metric names (or prefixes ending in '.') not collected. Default <see cref="DefaultExcludedMetrics"/>.</summary>
    public IReadOnlyList<string> ExcludedMetrics { get; init; } = DefaultExcludedMetrics;

    /// <summary>False turns tracing off: no spans are recorded or exported (log lines still carry ids). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Share of new traces that are recorded, from 0 to 1; a caller's decision is always followed. Default 1.</summary>
    public double SamplingRatio { get; init; } = 1.0;

    /// <summary>Request path prefixes never traced (health probes, Eureka traffic). Default <c>/actuator</c> and <c>/eureka</c>.</summary>
    public IReadOnlyList<string> ExcludedPaths { get; init; } = ["/actuator", "/eureka"];

    /// <summary>
    /// When false (the default), client spans with no parent (Eureka heartbeats, outbox polling) are not
    /// recorded, so Zipkin shows the work requests and messages cause rather than background noise.
    /// </summary>
    public bool TraceBackgroundCalls { get; init; }

    /// <summary>Zipkin's <c>/api/v2/spans</c> URL; null exports nothing.</summary>
    public Uri? ZipkinEndpoint { get; init; }

    /// <summary>
    /// An OTLP collector's trace endpoint, or null (no OTLP export). A URL ending in <c>/v1/traces</c> is sent
    /// http/protobuf; any other (e.g. <c>http://collector:4317</c>) gRPC.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Spans held waiting for export, per exporter; more are dropped. Default 2048.</summary>
    public int MaxQueueSize { get; init; } = 2048;

    /// <summary>Most spans in one POST. Default 512.</summary>
    public int MaxExportBatchSize { get; init; } = 512;

    /// <summary>Delay between exports. Default 1000 ms.</summary>
    public int ScheduledDelayMilliseconds { get; init; } = 1000;

    /// <summary>Time limit of one POST to Zipkin. Default 5000 ms.</summary>
    public int ExportTimeoutMilliseconds { get; init; } = 5000;

    /// <summary>Reads and checks the settings.</summary>
    /// <exception cref="StartupConfigurationException">A value is malformed.</exception>
    public static ObservabilitySettings FromConfiguration(IConfiguration configuration)
    {
        var settings = new ObservabilitySettings
        {
            Enabled = SettingValues.Bool(configuration, EnabledKey, true),
            SamplingRatio = Ratio(configuration, SamplingRatioKey),
            TraceBackgroundCalls = SettingValues.Bool(configuration, TraceBackgroundCallsKey, false),
            ZipkinEndpoint = ZipkinSpans(Endpoint(configuration[ZipkinEndpointKey])),
            OtlpEndpoint = Endpoint(configuration[OtlpEndpointKey], OtlpEndpointKey, "http://localhost:4317 (gRPC) or http://localhost:4318/v1/traces"),
            MaxQueueSize = SettingValues.Int(configuration, "Zipkin:MaxQueueSize", 2048, 1, 1_000_000),
            ScheduledDelayMilliseconds = SettingValues.Int(configuration, "Zipkin:ScheduledDelayMilliseconds", 1000, 1, 600_000),
            ExportTimeoutMilliseconds = SettingValues.Int(configuration, "Zipkin:ExportTimeoutMilliseconds", 5000, 1, 600_000),
        };
        var batch = SettingValues.Int(configuration, "Zipkin:MaxExportBatchSize", 512, 1, 1_000_000);
        settings = settings with { MaxExportBatchSize = Math.Min(batch, settings.MaxQueueSize) };
        if (configuration[ExcludedMetricsKey] is { } metrics)
        {
            settings = settings with
            {
                ExcludedMetrics = metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
        }
        if (configuration[ExcludedPathsKey] is { } paths)
        {
            settings = settings with
            {
                ExcludedPaths = paths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
        }
        return settings;
    }

    /// <summary>True when <paramref name="name"/> is in <see cref="ExcludedMetrics"/> or under one of its prefixes.</summary>
    public bool IsMetricExcluded(string name)
    {
        foreach (var excluded in ExcludedMetrics)
        {
            if (excluded.EndsWith('.') ? name.StartsWith(excluded, StringComparison.Ordinal) : name == excluded)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when requests to <paramref name="path"/> are not traced (<see cref="ExcludedPaths"/>).</summary>
    public bool IsPathExcluded(string? path)
    {
        foreach (var prefix in ExcludedPaths)
        {
            if (path is not null && path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == prefix.Length || path[prefix.Length] == '/' || prefix.EndsWith('/')))
            {
                return true;
            }
        }
        return false;
    }

    // A bare Zipkin address means its standard span endpoint.
    private static Uri? ZipkinSpans(Uri? endpoint) =>
        endpoint is { AbsolutePath: "" or "/" } ? new Uri(endpoint, "/api/v2/spans") : endpoint;

    private static Uri? Endpoint(string? text, string key = ZipkinEndpointKey, string example = "http://localhost:9411/api/v2/spans")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new StartupConfigurationException(key, $"'{text}' is not an http(s) URL such as {example}.");
        }
        return uri;
    }

    private static double Ratio(IConfiguration configuration, string key)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return 1.0;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw new StartupConfigurationException(key, $"'{text}' is not a number from 0 to 1.");
    }
}

using EStore.Platform.Hosting;

namespace EStore.Platform.Observability;

/// <summary>
/// Tracing, Zipkin, OTLP and metrics settings, bound at startup from the sections <c>Tracing</c>, <c>Zipkin</c>,
/// <c>Otlp</c> and <c>Metrics</c> (one options class over four small sections, hence bound at the root); a malformed
/// value stops startup with one line naming the key. The flat properties are what the tracer and meters read.
/// </summary>
public sealed class ObservabilitySettings : IValidatedOptions
{
    /// <summary>Bound at the configuration root: the keys are <c>Tracing:*</c>, <c>Zipkin:*</c>, <c>Otlp:*</c> and <c>Metrics:*</c>.</summary>
    public const string Section = "";

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

    private IReadOnlyList<string>? _excludedPaths;
    private IReadOnlyList<string>? _excludedMetrics;

    /// <summary><c>Tracing:*</c>.</summary>
    public TracingOptions Tracing { get; set; } = new();

    /// <summary><c>Zipkin:*</c>.</summary>
    public ZipkinOptions Zipkin { get; set; } = new();

    /// <summary><c>Otlp:*</c>.</summary>
    public OtlpOptions Otlp { get; set; } = new();

    /// <summary><c>Metrics:*</c>.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>Metric names (or prefixes ending in '.') not collected. Default <see cref="DefaultExcludedMetrics"/>.</summary>
    public IReadOnlyList<string> ExcludedMetrics => _excludedMetrics ??= Metrics.Excluded is { } names ? Split(names) : DefaultExcludedMetrics;

    /// <summary>False turns tracing off: no spans are recorded or exported (log lines still carry ids). Default true.</summary>
    public bool Enabled => Tracing.Enabled;

    /// <summary>Share of new traces that are recorded, from 0 to 1; a caller's decision is always followed. Default 1.</summary>
    public double SamplingRatio => Tracing.SamplingRatio;

    /// <summary>Request path prefixes never traced (health probes, Eureka traffic). Default <c>/actuator</c> and <c>/eureka</c>.</summary>
    public IReadOnlyList<string> ExcludedPaths => _excludedPaths ??= Split(Tracing.ExcludedPaths);

    /// <summary>
    /// When false (the default), client spans with no parent (Eureka heartbeats, outbox polling) are not
    /// recorded, so Zipkin shows the work requests and messages cause rather than background noise.
    /// </summary>
    public bool TraceBackgroundCalls => Tracing.TraceBackgroundCalls;

    /// <summary>Zipkin's <c>/api/v2/spans</c> URL (a bare address gets that path); null exports nothing.</summary>
    public Uri? ZipkinEndpoint => Zipkin.Endpoint is { } text && OptionsCheck.IsHttpUrl(text)
        ? new Uri(text) is { AbsolutePath: "" or "/" } bare ? new Uri(bare, "/api/v2/spans") : new Uri(text)
        : null;

    /// <summary>
    /// An OTLP collector's trace endpoint, or null (no OTLP export). A URL ending in <c>/v1/traces</c> is sent
    /// http/protobuf; any other (e.g. <c>http://collector:4317</c>) gRPC.
    /// </summary>
    public Uri? OtlpEndpoint => Otlp.Endpoint is { } text && OptionsCheck.IsHttpUrl(text) ? new Uri(text) : null;

    /// <summary>Spans held waiting for export, per exporter; more are dropped. Default 2048.</summary>
    public int MaxQueueSize => Zipkin.MaxQueueSize;

    /// <summary>Most spans in one POST. Default 512, or <see cref="MaxQueueSize"/> when that is smaller.</summary>
    public int MaxExportBatchSize => Zipkin.MaxExportBatchSize ?? Math.Min(512, Zipkin.MaxQueueSize);

    /// <summary>Delay between exports. Default 1000 ms.</summary>
    public int ScheduledDelayMilliseconds => Zipkin.ScheduledDelayMilliseconds;

    /// <summary>Time limit of one POST to Zipkin. Default 5000 ms.</summary>
    public int ExportTimeoutMilliseconds => Zipkin.ExportTimeoutMilliseconds;

    /// <inheritdoc/>
    public void Validate(OptionsCheck check)
    {
        check.Range(Tracing.SamplingRatio, 0, 1);
        check.HttpUrl(Zipkin.Endpoint, "http://localhost:9411/api/v2/spans");
        check.HttpUrl(Otlp.Endpoint, "http://localhost:4317 (gRPC) or http://localhost:4318/v1/traces");
        check.Range(Zipkin.MaxQueueSize, 1, 1_000_000);
        check.Range(Zipkin.MaxExportBatchSize, 1, Zipkin.MaxQueueSize);
        check.Range(Zipkin.ScheduledDelayMilliseconds, 1, 600_000);
        check.Range(Zipkin.ExportTimeoutMilliseconds, 1, 600_000);
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

    private static string[] Split(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>Tracing:*</c>.</summary>
    public sealed class TracingOptions
    {
        /// <summary>See <see cref="ObservabilitySettings.Enabled"/>.</summary>
        public bool Enabled { get; set; } = true;
        /// <summary>See <see cref="ObservabilitySettings.SamplingRatio"/>.</summary>
        public double SamplingRatio { get; set; } = 1.0;
        /// <summary>Comma-separated; see <see cref="ObservabilitySettings.ExcludedPaths"/>.</summary>
        public string ExcludedPaths { get; set; } = "/actuator,/eureka";
        /// <summary>See <see cref="ObservabilitySettings.TraceBackgroundCalls"/>.</summary>
        public bool TraceBackgroundCalls { get; set; }
    }

    /// <summary><c>Zipkin:*</c>: the endpoint and the export queue of every exporter.</summary>
    public sealed class ZipkinOptions
    {
        /// <summary>See <see cref="ObservabilitySettings.ZipkinEndpoint"/>.</summary>
        public string? Endpoint { get; set; }
        /// <summary>See <see cref="ObservabilitySettings.MaxQueueSize"/>.</summary>
        public int MaxQueueSize { get; set; } = 2048;
        /// <summary>Unset: 512 or the queue size, whichever is smaller; see <see cref="ObservabilitySettings.MaxExportBatchSize"/>.</summary>
        public int? MaxExportBatchSize { get; set; }
        /// <summary>See <see cref="ObservabilitySettings.ScheduledDelayMilliseconds"/>.</summary>
        public int ScheduledDelayMilliseconds { get; set; } = 1000;
        /// <summary>See <see cref="ObservabilitySettings.ExportTimeoutMilliseconds"/>.</summary>
        public int ExportTimeoutMilliseconds { get; set; } = 5000;
    }

    /// <summary><c>Otlp:*</c>.</summary>
    public sealed class OtlpOptions
    {
        /// <summary>See <see cref="ObservabilitySettings.OtlpEndpoint"/>.</summary>
        public string? Endpoint { get; set; }
    }

    /// <summary><c>Metrics:*</c>.</summary>
    public sealed class MetricsOptions
    {
        /// <summary>Comma-separated; see <see cref="ObservabilitySettings.ExcludedMetrics"/>.</summary>
        public string? Excluded { get; set; }
    }
}

using System.Diagnostics;
using OpenTelemetry;

namespace EStore.Platform.Observability;

/// <summary>
/// OpenTelemetry's batch processor with two additions: only this application's spans go in
/// (see <see cref="ActivityOwnership"/>), and the queue limit is counted in
/// <see cref="ZipkinExportStatistics"/>, where tests and metrics can see it.
/// </summary>
internal sealed class ZipkinExportProcessor(ZipkinExporter exporter, ActivityOwnership.Owner owner, ZipkinExportStatistics statistics, ObservabilitySettings settings)
    : BatchActivityExportProcessor(exporter, settings.MaxQueueSize, settings.ScheduledDelayMilliseconds, settings.ExportTimeoutMilliseconds, settings.MaxExportBatchSize)
{
    public override void OnEnd(Activity data)
    {
        if (data.Recorded && owner.Owns(data))
        {
            base.OnEnd(data);
        }
    }

    protected override void OnExport(Activity data)
    {
        // Never blocks: a full queue drops the span, which is what Zipkin being away must cost.
        if (statistics.TryEnqueue())
        {
            base.OnExport(data);
        }
    }
}

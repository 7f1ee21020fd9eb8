using System.Diagnostics;
using OpenTelemetry;

namespace EStore.Platform.Observability;

/// <summary>
/// Passes to the exporters only the spans of this application when several EStore applications share a process
/// (tests do that). ActivityListeners are process-wide, so every TracerProvider sees every span; each exports only the
/// spans whose local root came from one of its own per-application activity sources (ASP.NET Core's and messaging's
/// are created per host). Spans rooted in a process-wide source (a background HttpClient call) go to the first
/// application started. Also names the database as the remote service of Npgsql's spans, which the Zipkin exporter
/// reads from <c>peer.service</c>.
/// </summary>
internal sealed class ActivityOwnership : CompositeProcessor<Activity>
{
    private static readonly Lock Gate = new();
    private static ActivityOwnership[] s_live = [];

    // Sources created per application; a root from someone else's is theirs.
    private static readonly string[] PerApplicationSources = ["Microsoft.AspNetCore", MessagingTracing.SourceName];

    private readonly ActivitySource[] _sources;

    /// <summary>Passes this application's spans (roots from <paramref name="sources"/>) to <paramref name="exporters"/>.</summary>
    public ActivityOwnership(IEnumerable<ActivitySource?> sources, IEnumerable<BaseProcessor<Activity>> exporters)
        : base(exporters)
    {
        _sources = [.. sources.OfType<ActivitySource>()];
        lock (Gate)
        {
            s_live = [.. s_live, this];
        }
    }

    public override void OnEnd(Activity data)
    {
        if (data.Kind == ActivityKind.Client && data.Source.Name == "Npgsql" && data.GetTagItem("peer.service") is null)
        {
            data.SetTag("peer.service", data.GetTagItem("db.system.name") ?? data.GetTagItem("db.system"));
        }
        if (Owns(data))
        {
            base.OnEnd(data);
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (Gate)
        {
            s_live = [.. s_live.Where(o => !ReferenceEquals(o, this))];
        }
        base.Dispose(disposing);
    }

    private bool Owns(Activity activity)
    {
        var root = activity;
        while (root.Parent is { } parent)
        {
            root = parent;
        }
        if (Array.IndexOf(_sources, root.Source) >= 0)
        {
            return true;
        }
        if (Array.IndexOf(PerApplicationSources, root.Source.Name) >= 0)
        {
            return false;
        }
        var live = s_live;
        return live.Length == 0 || ReferenceEquals(live[0], this);
    }
}

using System.Diagnostics;

namespace EStore.Platform.Observability;

/// <summary>
/// Decides which application a span belongs to when several EStore applications share a process
/// (tests do that). ActivityListeners are process-wide, so every TracerProvider sees every span;
/// each exports only the spans whose local root came from one of its own per-application
/// activity sources (ASP.NET Core's and messaging's are created per host). Spans rooted in a
/// process-wide source (a background HttpClient call) go to the first application started.
/// </summary>
internal static class ActivityOwnership
{
    private static readonly Lock Gate = new();
    private static Owner[] s_live = [];

    /// <summary>Registers an application owning <paramref name="sources"/> until the owner is disposed.</summary>
    public static Owner Register(IEnumerable<ActivitySource?> sources)
    {
        var owner = new Owner([.. sources.OfType<ActivitySource>()]);
        lock (Gate)
        {
            s_live = [.. s_live, owner];
        }
        return owner;
    }

    internal sealed class Owner(ActivitySource[] sources) : IDisposable
    {
        // Sources created per application; a root from someone else's is theirs.
        private static readonly string[] PerApplicationSources = [ObservabilityExtensions.AspNetCoreSource, MessagingTracing.SourceName];

        public bool Owns(Activity activity)
        {
            var root = activity;
            while (root.Parent is { } parent)
            {
                root = parent;
            }
            if (Array.IndexOf(sources, root.Source) >= 0)
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

        public void Dispose()
        {
            lock (Gate)
            {
                s_live = [.. s_live.Where(o => !ReferenceEquals(o, this))];
            }
        }
    }
}

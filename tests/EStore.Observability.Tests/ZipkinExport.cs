namespace EStore.Observability.Tests;

/// <summary>Settings of a <see cref="PlatformApp"/> (the <c>TestApp</c> alias) that exports its spans.</summary>
public static class ZipkinExport
{
    extension(TestApp)
    {
        /// <summary>Settings that export to <paramref name="collector"/> quickly.</summary>
        public static Dictionary<string, string?> Exporting(Uri collector, Dictionary<string, string?>? more = null)
        {
            var settings = new Dictionary<string, string?>
            {
                ["Zipkin:Endpoint"] = collector.ToString(),
                ["Zipkin:ScheduledDelayMilliseconds"] = "50",
            };
            foreach (var (key, value) in more ?? [])
            {
                settings[key] = value;
            }
            return settings;
        }
    }
}

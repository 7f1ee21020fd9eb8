using EStore.Platform.Hosting;

namespace EStore.Product.Feeds;

/// <summary><c>Feeds:*</c>: how supplier feeds are fetched and scheduled.</summary>
public sealed class FeedOptions : IValidatedOptions
{
    public const string Section = "Feeds";

    /// <summary>
    /// Addresses and CIDR networks a feed may be fetched from although they are internal (loopback, private...):
    /// comma-separated, <c>none</c> (the default) for none. Public addresses are always allowed.
    /// </summary>
    public string AllowedNetworks { get; set; } = "none";

    /// <summary>The largest feed body read (bytes); a larger feed fails its run.</summary>
    public long MaxBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The whole fetch (connects, redirects, body) must finish within this.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Redirects followed (each one checked again) before the run fails.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Whether this instance runs due feeds.</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How often the scheduler looks for due feeds.</summary>
    public int PollSeconds { get; set; } = 30;

    public void Validate(OptionsCheck check)
    {
        NetworkList.Check(check, AllowedNetworks, nameof(AllowedNetworks));
        check.Range(MaxBytes, 1024L, 1024L * 1024 * 1024);
        check.Range(TimeoutSeconds, 1, 3_600);
        check.Range(MaxRedirects, 0, 20);
        check.Range(PollSeconds, 1, 3_600);
    }
}

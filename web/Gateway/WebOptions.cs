using EStore.Platform.Hosting;

namespace EStore.Web.Gateway;

/// <summary><c>Web:*</c> configuration.</summary>
public sealed class WebOptions : IValidatedOptions
{
    public const string Section = "Web";

    /// <summary>The gateway whose public API every page reads: its app name through discovery in the mesh, an address in tests.</summary>
    public Uri GatewayUrl { get; set; } = new("http://gateway/");

    /// <summary>Limit of each call to the gateway, in seconds.</summary>
    public int GatewayTimeoutSeconds { get; set; } = 10;

    /// <summary>Products on one page of the home page and the search.</summary>
    public int PageSize { get; set; } = 12;

    /// <summary>
    /// Where the data-protection keys that seal the session cookie are kept. Unset: the platform's default (the
    /// user profile); instances behind one gateway must share one folder, or a cookie sealed by one is refused by another.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>The access token is refreshed when it has less than this left, on the next request of its session.</summary>
    public int RefreshBeforeExpirySeconds { get; set; } = 60;

    public void Validate(OptionsCheck check)
    {
        check.HttpUrl(GatewayUrl, "http://gateway/");
        check.Range(GatewayTimeoutSeconds, 1, 120);
        check.Range(PageSize, 1, 100);
        check.Range(RefreshBeforeExpirySeconds, 0, 600);
    }
}

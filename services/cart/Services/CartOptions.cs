using EStore.Platform.Hosting;

namespace EStore.Cart.Services;

/// <summary><c>Carts:*</c> configuration.</summary>
public sealed class CartOptions : IValidatedOptions
{
    public const string Section = "Carts";

    /// <summary>Carts one user may have, the default one included.</summary>
    public int MaxCartsPerUser { get; set; } = 20;

    /// <summary>Lines (distinct variants) in one cart; at most what one product-service lookup takes (100).</summary>
    public int MaxLinesPerCart { get; set; } = 100;

    /// <summary>Units of one variant in one cart.</summary>
    public int MaxQuantityPerLine { get; set; } = 99;

    /// <summary>A guest cart untouched this long is deleted.</summary>
    public int GuestCartLifetimeDays { get; set; } = 30;

    /// <summary>How often the guest-cart sweep runs.</summary>
    public int GuestSweepIntervalSeconds { get; set; } = 3600;

    /// <summary>Where product-service is: its app name through discovery in the mesh, an address in tests.</summary>
    public Uri ProductServiceUrl { get; set; } = new("http://product-service/");

    /// <summary>Limit of each call to product-service, in seconds; after it the cart answers without live prices.</summary>
    public int DependencyTimeoutSeconds { get; set; } = 3;

    public void Validate(OptionsCheck check)
    {
        check.Range(MaxCartsPerUser, 1, 1000);
        check.Range(MaxLinesPerCart, 1, 100);
        check.Range(MaxQuantityPerLine, 1, 10_000);
        check.Range(GuestCartLifetimeDays, 1, 365);
        check.Range(GuestSweepIntervalSeconds, 1, 86_400);
        check.HttpUrl(ProductServiceUrl, "http://product-service/");
        check.Range(DependencyTimeoutSeconds, 1, 60);
    }
}

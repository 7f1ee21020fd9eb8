using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Cart.Services;

/// <summary>Registers cart-service's business services, its product-service client and the guest-cart sweep.</summary>
public static class CartServiceExtensions
{
    public static IHostApplicationBuilder AddCartServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<CartOptions>(CartOptions.Section);
        builder.Services.AddScoped<CartService>();
        // Through discovery; the lookup is public data, so no caller token travels with it (nor needs validating
        // again). A slow product-service gets a short limit.
        builder.Services.AddHttpClient<ProductClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<CartOptions>>().Value;
            http.BaseAddress = options.ProductServiceUrl;
            http.Timeout = TimeSpan.FromSeconds(options.DependencyTimeoutSeconds);
        }).AddServiceDiscovery();
        builder.Services.AddSingleton<GuestCartSweep>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GuestCartSweep>());
        return builder;
    }
}

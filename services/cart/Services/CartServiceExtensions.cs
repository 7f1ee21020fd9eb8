using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.Extensions.Options;

namespace EStore.Cart.Services;

/// <summary>Registers cart-service's business services, its product-service client and the guest-cart sweep.</summary>
public static class CartServiceExtensions
{
    public static IHostApplicationBuilder AddCartServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<CartOptions>(CartOptions.Section);
        builder.Services.AddScoped<CartService>();
        // Through discovery, with the caller's token when there is one; a slow product-service gets a short limit.
        builder.Services.AddHttpClient<ProductClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<CartOptions>>().Value;
            http.BaseAddress = options.ProductServiceUrl;
            http.Timeout = TimeSpan.FromSeconds(options.DependencyTimeoutSeconds);
        }).AddServiceDiscovery().ForwardCallerToken();
        builder.Services.AddSingleton<GuestCartSweep>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GuestCartSweep>());
        return builder;
    }
}

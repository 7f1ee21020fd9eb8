using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.Extensions.Options;

namespace EStore.Shop.Services;

/// <summary>Registers shop-service's business services.</summary>
public static class ShopServiceExtensions
{
    public static IHostApplicationBuilder AddShopServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ShopOptions>(ShopOptions.Section);
        builder.Services.AddScoped<ShopService>();
        builder.Services.AddScoped<ShopDashboard>();
        builder.Services.AddHttpClient<InventoryClient>((sp, http) => Configure(sp, http, InventoryClient.AppName))
            .AddServiceDiscovery().ForwardCallerToken();
        builder.Services.AddHttpClient<AccountClient>((sp, http) => Configure(sp, http, AccountClient.AppName))
            .AddServiceDiscovery().ForwardCallerToken();
        return builder;
    }

    // A dashboard or a shop registration should not hang on a slow neighbour: a short limit, then degrade.
    private static void Configure(IServiceProvider services, HttpClient http, string appName)
    {
        http.BaseAddress = new Uri($"http://{appName}/");
        http.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<ShopOptions>>().Value.DependencyTimeoutSeconds);
    }
}

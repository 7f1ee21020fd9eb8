using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Shop.Services;

/// <summary>Registers shop-service's business services.</summary>
public static class ShopServiceExtensions
{
    public static IHostApplicationBuilder AddShopServices(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ShopSettings>(builder.Configuration.GetSection("Shops"));
        builder.Services.AddScoped<ShopService>();
        builder.Services.AddScoped<ShopDashboard>();
        // A dashboard or a shop registration should not hang on a slow neighbour: a short limit, then degrade.
        var timeout = TimeSpan.FromSeconds(SettingValues.Int(builder.Configuration, "Shops:DependencyTimeoutSeconds", 3, 1, 60));
        builder.Services.AddHttpClient<InventoryClient>(http =>
        {
            http.BaseAddress = new Uri($"http://{InventoryClient.AppName}/");
            http.Timeout = timeout;
        }).AddServiceDiscovery().ForwardCallerToken();
        builder.Services.AddHttpClient<AccountClient>(http =>
        {
            http.BaseAddress = new Uri($"http://{AccountClient.AppName}/");
            http.Timeout = timeout;
        }).AddServiceDiscovery().ForwardCallerToken();
        return builder;
    }
}

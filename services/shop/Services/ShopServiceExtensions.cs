namespace EStore.Shop.Services;

/// <summary>Registers shop-service's business services.</summary>
public static class ShopServiceExtensions
{
    public static IHostApplicationBuilder AddShopServices(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ShopSettings>(builder.Configuration.GetSection("Shops"));
        builder.Services.AddScoped<ShopService>();
        return builder;
    }
}

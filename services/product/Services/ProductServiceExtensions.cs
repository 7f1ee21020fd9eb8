using EStore.Platform.Hosting;
using EStore.Product.Messaging;

namespace EStore.Product.Services;

/// <summary>Registers product-service's business services and the sweep that releases expired reservations.</summary>
public static class ProductServiceExtensions
{
    public static IHostApplicationBuilder AddProductServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProductCatalog>();
        builder.Services.AddScoped<ProductAdmin>();
        builder.Services.AddScoped<CategoryTree>();
        builder.Services.AddScoped<Inventory>();
        builder.Services.AddScoped<InventoryReport>();
        builder.AddValidatedOptions<ReservationOptions>(ReservationOptions.Section);
        builder.Services.AddSingleton<ReservationExpiry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiry>());
        return builder;
    }
}

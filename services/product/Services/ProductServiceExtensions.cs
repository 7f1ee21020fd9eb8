using EStore.Platform.Hosting;
using EStore.Product.Feeds;
using EStore.Product.Import;
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
        builder.Services.AddScoped<ImportJobs>();
        builder.Services.AddScoped<ImportApplier>();
        builder.Services.AddSingleton<ImportSignal>();
        builder.AddValidatedOptions<ImportOptions>(ImportOptions.Section);
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddScoped<Feeds.Feeds>();
        builder.Services.AddSingleton<FeedFetcher>();
        builder.Services.AddSingleton<FeedSignal>();
        builder.Services.AddSingleton<FeedCredentialSeal>();
        builder.Services.AddSingleton<ImportRetention>();
        builder.AddValidatedOptions<FeedOptions>(FeedOptions.Section);
        builder.Services.AddHostedService<FeedScheduler>();
        builder.AddValidatedOptions<ReservationOptions>(ReservationOptions.Section);
        builder.Services.AddSingleton<ReservationExpiry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiry>());
        return builder;
    }
}

using EStore.Platform.Hosting;
using EStore.Platform.Security;
using Microsoft.Extensions.Options;

namespace EStore.Order.Services;

/// <summary>Registers order-service's business services, its reads of the other services and the timeout sweep.</summary>
public static class OrderServiceExtensions
{
    public static IHostApplicationBuilder AddOrderServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<OrderOptions>(OrderOptions.Section);
        builder.Services.AddScoped<Saga>();
        builder.Services.AddScoped<OrderViews>();
        builder.Services.AddScoped<OrderActions>();
        builder.Services.AddScoped<OrderReports>();
        builder.Services.AddScoped<CheckoutService>();
        // Through discovery, with the caller's token: the callees check ownership for the same user.
        builder.Services.AddHttpClient<MeshReader>((sp, http) =>
            http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<OrderOptions>>().Value.DependencyTimeoutSeconds))
            .AddServiceDiscovery()
            .ForwardCallerToken();
        builder.Services.AddSingleton<CheckoutTimeoutSweep>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CheckoutTimeoutSweep>());
        return builder;
    }
}

using EStore.Payment.Provider;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Payment.Services;

/// <summary>Registers payment-service's provider client and business services.</summary>
public static class PaymentServiceExtensions
{
    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ProviderOptions>(ProviderOptions.Section);
        builder.AddValidatedOptions<ChargeOptions>(ChargeOptions.Section);
        builder.AddValidatedOptions<PaymentMethodOptions>(PaymentMethodOptions.Section);
        // An outside system: no service discovery, no resilience handler (the charge worker owns retries); traced
        // like every HttpClient. The timeout bounds one call; its outcome is then unknown and retried with the same key.
        builder.Services.AddHttpClient(PaymentProvider.HttpClientName).ConfigureHttpClient((services, http) =>
            http.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<ProviderOptions>>().Value.TimeoutSeconds));
        builder.Services.AddScoped<PaymentProvider>();
        builder.Services.AddScoped<PaymentMethodService>();
        builder.Services.AddScoped<PaymentQueryService>();
        builder.Services.AddScoped<WebhookService>();
        builder.Services.AddScoped<RefundService>();
        builder.Services.AddSingleton<CreationLimiter>();
        builder.Services.AddSingleton<ChargeWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChargeWorker>());
        return builder;
    }
}

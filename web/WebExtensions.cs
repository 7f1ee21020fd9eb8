using EStore.Platform.Hosting;
using EStore.Web.Gateway;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace EStore.Web;

/// <summary>Registers the storefront's pieces: Razor components, MudBlazor, and the one client of the gateway.</summary>
public static class WebExtensions
{
    public static WebApplicationBuilder AddWebApp(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<WebOptions>(WebOptions.Section);
        // MudBlazor's css and js, and Blazor's own script, are static web assets of their packages: served from this
        // origin (the Content-Security-Policy allows no other), also when the app runs from its build output.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpClient<GatewayClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<WebOptions>>().Value;
            http.BaseAddress = options.GatewayUrl;
            http.Timeout = TimeSpan.FromSeconds(options.GatewayTimeoutSeconds);
        }).AddServiceDiscovery();
        return builder;
    }
}

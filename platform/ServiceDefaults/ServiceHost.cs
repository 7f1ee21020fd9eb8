using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace EStore.ServiceDefaults;

/// <summary>Creates the builder of an EStore process.</summary>
public static class ServiceHost
{
    /// <summary>Configuration key of the address a service listens on when none is given.</summary>
    public const string DefaultUrlKey = "Service:DefaultUrl";

    // Embedded defaults: the lowest-precedence configuration, below appsettings.json and the environment.
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        // Connection failures are reported once, by the startup check or the db health component.
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Connection"] = "Critical",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // YARP logs every proxied request at Information: too much for a console, and it costs throughput.
        ["Logging:LogLevel:Yarp"] = "Warning",
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Error",
        ["AllowedHosts"] = "*",
    };

    /// <summary>
    /// A <see cref="WebApplicationBuilder"/> whose content root is the folder of the binaries,
    /// so <c>appsettings.json</c> is found whatever the working directory, with EStore's
    /// embedded configuration defaults underneath everything else.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });

        // ASPNETCORE_URLS, URLS and --urls all land in "urls". A "Urls" entry in appsettings.json
        // would silently override ASPNETCORE_URLS, so the service's documented address lives in
        // Service:DefaultUrl and applies only when nothing else names one.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && builder.Configuration[DefaultUrlKey] is { Length: > 0 } url)
        {
            builder.WebHost.UseUrls(url);
        }
        return builder;
    }
}

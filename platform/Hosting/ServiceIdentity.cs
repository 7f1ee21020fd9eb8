using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Hosting;

/// <summary>Who this process is: its app name (the Eureka app name, also the Zipkin service name).</summary>
/// <param name="AppName">Lower-case app name, for example <c>product-service</c>.</param>
/// <param name="Version">The build's informational version.</param>
public sealed record ServiceIdentity(string AppName, string Version)
{
    /// <summary>Reads <c>Eureka:Instance:AppName</c>, falling back to the entry assembly's name.</summary>
    public static ServiceIdentity FromConfiguration(IConfiguration configuration)
    {
        var entry = Assembly.GetEntryAssembly();
        var name = configuration["Eureka:Instance:AppName"];
        if (string.IsNullOrWhiteSpace(name))
        {
            name = entry?.GetName().Name ?? "unknown";
        }
        var version = entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new ServiceIdentity(name.Trim().ToLowerInvariant(), version);
    }
}

using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Hosting;

/// <summary>Who this process is: its app name (the Eureka app name, also the Zipkin service name).</summary>
/// <param name="AppName">Lower-case app name, for example <c>product-service</c>.</param>
/// <param name="Version">The build's informational version.</param>
public sealed record ServiceIdentity(string AppName, string Version)
{
    /// <summary>
    /// The identity of the process being built, registered as a singleton the first time: the app name from
    /// <c>Eureka:Instance:AppName</c>, falling back to the entry assembly's name.
    /// </summary>
    public static ServiceIdentity Of(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.FirstOrDefault(d => d.ServiceType == typeof(ServiceIdentity))?.ImplementationInstance is ServiceIdentity known)
        {
            return known;
        }
        var entry = Assembly.GetEntryAssembly();
        var name = builder.Configuration.GetValidatedOptions<ServiceNameOptions>(ServiceNameOptions.Section).AppName
            ?? entry?.GetName().Name ?? "unknown";
        var version = entry?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var identity = new ServiceIdentity(name.ToLowerInvariant(), version);
        builder.Services.TryAddSingleton(identity);
        return identity;
    }
}

/// <summary>
/// The app name in <c>Eureka:Instance:*</c>, read here so that hosting needs nothing of the Eureka client
/// (which binds the whole section as its own options).
/// </summary>
public sealed class ServiceNameOptions : IValidatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Eureka:Instance";

    /// <summary>The app name; unset, the entry assembly's name.</summary>
    public string? AppName { get; set; }
}

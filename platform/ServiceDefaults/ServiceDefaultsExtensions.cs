using System.Text.Json.Serialization;
using EStore.Platform.Discovery;
using EStore.Platform.Errors;
using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EStore.ServiceDefaults;

/// <summary>The one-line setup every EStore process calls.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Adds what every process needs: its identity, JSON options, RFC 9457 problem responses,
    /// actuator health (liveness, readiness), the OpenAPI document, the Eureka client, and
    /// one-line reporting of configuration errors at startup.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        StartupFailureReporter.Install();

        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Also registers the ServiceIdentity and the TimeProvider every other part uses.
        builder.AddObservability();

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddProblemResponses();
        builder.Services.AddServiceOpenApi();

        // Liveness and readiness, the management port (or admin-only management endpoints).
        builder.AddActuator();
        // No Server header on any answer.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        builder.AddEurekaDiscovery();
        builder.AddValidatedOptions<MeshOptions>(MeshOptions.Section);
        builder.Services.AddHostedService<AnnouncedAddressWriter>();
        builder.Services.AddHostedService<ParentProcessWatch>();
        return builder;
    }

    /// <summary>
    /// Adds the security headers, the error-handling middleware and the management endpoint access rules
    /// (<c>/actuator/health</c> public; the other actuator endpoints on the management port or for admins only),
    /// and maps the actuator endpoints and <c>/openapi/v1.json</c>.
    /// Answers up to 16 KB are sent with <c>Content-Length</c> in one write unless <paramref name="bufferSmallResponses"/>
    /// is false (the gateway: what it forwards must stream through as it arrives).
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app, bool bufferSmallResponses = true)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseManagementAccess();
        if (bufferSmallResponses)
        {
            app.UseMiddleware<SmallResponseBuffering>();
        }
        app.MapActuatorEndpoints();
        app.MapObservabilityEndpoints();
        app.MapServiceOpenApi();
        return app;
    }

    /// <summary>
    /// Runs every <see cref="IStartupInitializer"/>, then the application until shutdown.
    /// A <see cref="StartupConfigurationException"/> ends the process with one log line and exit code 1.
    /// </summary>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunServiceAsync(this WebApplication app)
    {
        try
        {
            // Options validated at start fail here as one line, before the host would log its own stack trace.
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
            foreach (var initializer in app.Services.GetServices<IStartupInitializer>())
            {
                await initializer.InitializeAsync(startup.Token);
            }
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (StartupFailureReporter.Unwrap(ex) is { } failure)
        {
            StartupFailureReporter.Report(failure);
            return 1;
        }
    }
}

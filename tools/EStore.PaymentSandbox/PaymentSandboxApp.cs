using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EStore.PaymentSandbox;

/// <summary>
/// The payment sandbox as a process (<c>Program</c>) or inside another one (tests): <see cref="Build"/> makes the app,
/// <see cref="StartAsync(WebApplication, CancellationToken)"/> starts it and answers its base URL.
/// </summary>
/// <example>
/// <code>
/// await using var sandbox = PaymentSandboxApp.Build(["--Urls=http://127.0.0.1:0", "--Sandbox:ApiKey=sk_test_local"]);
/// var baseUrl = await PaymentSandboxApp.StartAsync(sandbox);
/// </code>
/// </example>
public static class PaymentSandboxApp
{
    /// <summary>Where it listens when nothing else is configured (<c>Urls</c>, <c>ASPNETCORE_URLS</c>, <c>--urls</c>).</summary>
    public const string DefaultUrl = "http://127.0.0.1:12111";

    /// <summary>Builds the sandbox from command-line style settings (<c>--Sandbox:ApiKey=...</c>) and the environment.</summary>
    /// <param name="args">Settings; see README.md.</param>
    /// <param name="configureServices">Replaces services for tests, e.g. a <see cref="TimeProvider"/>.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        StartupFailureReporter.Install();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        else if (builder.Configuration[WebHostDefaults.ServerUrlsKey]!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                 .FirstOrDefault(url => !OptionsCheck.IsHttpUrl(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal))) is { } bad)
        {
            throw new StartupConfigurationException("Urls", $"'{bad}' is not an http(s) URL such as {DefaultUrl}.");
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        builder.AddValidatedOptions<SandboxOptions>(SandboxOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SandboxStateFile>();
        builder.Services.AddSingleton<SandboxLedger>();
        builder.Services.AddSingleton<SandboxPersistence>();
        builder.Services.AddSingleton<IdempotencyKeys>();
        builder.Services.AddSingleton<ParameterHashKey>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false });
        builder.Services.AddHostedService<StdinWatch>();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapSandboxApi();
        return app;
    }

    /// <summary>Checks the settings (one line <c>Sandbox:Key: problem</c> on failure), starts, and answers the base URL.</summary>
    /// <exception cref="StartupConfigurationException">A setting is missing or wrong.</exception>
    public static async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            // Reads the state file now: an unreadable one stops the start, and charges that were settling settle again.
            app.Services.GetRequiredService<SandboxPersistence>();
        }
        catch (Exception ex) when (StartupFailureReporter.Unwrap(ex) is { } failure)
        {
            throw failure;
        }
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    /// <summary>
    /// Sends the events of an in-process sandbox to <paramref name="webhookUrl"/> from now on (a receiver that could only
    /// start after the sandbox, such as a service that needs the sandbox's URL first). <c>Sandbox:WebhookSecret</c> must
    /// be set.
    /// </summary>
    public static void SetWebhookUrl(WebApplication app, Uri webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(webhookUrl);
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SandboxOptions>>().Value.WebhookSecret))
        {
            throw new InvalidOperationException("Sandbox:WebhookSecret is not set: events could not be signed.");
        }
        app.Services.GetRequiredService<WebhookDispatcher>().Url = webhookUrl;
    }

    /// <summary>Runs the sandbox as its own process until SIGTERM or Ctrl+C; a bad setting exits with code 1 and one line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(args);
            var url = await StartAsync(app);
            var stateFile = app.Services.GetRequiredService<SandboxStateFile>().Path;
            app.Logger.LogInformation("payment sandbox (Stripe API subset, test mode, state {State}) listening on {Url}", stateFile ?? "in memory", url);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception ex) when (StartupFailureReporter.Unwrap(ex) is { } failure)
        {
            StartupFailureReporter.Report(failure);
            return 1;
        }
    }
}

/// <summary>
/// With <c>Mesh:ExitOnStdinClose=true</c> (the launcher sets it), stops once standard input ends: the launcher holds
/// the other end, so the sandbox never outlives a launcher that was killed.
/// </summary>
internal sealed class StdinWatch(IConfiguration configuration, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue<bool>("Mesh:ExitOnStdinClose"))
        {
            new Thread(() =>
            {
                using var input = Console.OpenStandardInput();
                try
                {
                    while (input.Read(new byte[64]) > 0)
                    {
                    }
                }
                catch (IOException)
                {
                }
                lifetime.StopApplication();
            })
            { IsBackground = true, Name = "stdin-watch" }.Start();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

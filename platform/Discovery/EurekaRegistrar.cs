using System.Net;
using System.Net.Sockets;
using EStore.Platform.Health;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Discovery;

/// <summary>
/// Registers this instance once the server listens (with the port it actually bound, also
/// when it asked for port 0), renews the lease on schedule, re-registers when the server has
/// forgotten it (404), and deregisters on graceful shutdown.
/// </summary>
internal sealed partial class EurekaRegistrar(
    EurekaHttpClient client,
    IOptions<EurekaClientOptions> clientOptions,
    IOptions<EurekaInstanceOptions> instanceOptions,
    ServiceIdentity identity,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    HealthCheckService health,
    TimeProvider time,
    ILogger<EurekaRegistrar> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private Task? _deregistration;
    // The record of the last registration sent: shutdown may come while its answer is still on the way,
    // after the server stored it but before Registered is set, and must cancel it all the same.
    private volatile EurekaInstance? _sent;

    /// <summary>The registered record, once registration succeeded.</summary>
    public EurekaInstance? Registered { get; private set; }

    /// <summary>The error of the last failed call, cleared by the next success.</summary>
    public string? LastError { get; private set; }

    public bool Enabled => clientOptions.Value.ShouldRegisterWithEureka;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try
            {
                await started.Task;
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }

        var instance = Describe();
        // Leave the registry as soon as shutdown begins, before other services stop, so callers drain away.
        using var stopping = lifetime.ApplicationStopping.Register(() => StartDeregistration());
        var renewal = TimeSpan.FromSeconds(Math.Max(1, instance.RenewalIntervalSeconds));
        var registered = false;
        while (!stoppingToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            try
            {
                var status = await CurrentStatusAsync(stoppingToken);
                if (status != instance.Status)
                {
                    // Eureka learns a status change from a re-registration with a newer dirty timestamp.
                    LogStatusChanged(instance.InstanceId, EurekaJson.ToWire(instance.Status), EurekaJson.ToWire(status));
                    instance = instance with { Status = status, LastDirtyTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds() };
                    registered = false;
                }
                if (!registered)
                {
                    _sent = instance;
                    registered = await client.RegisterAsync(instance, stoppingToken);
                    if (registered)
                    {
                        var first = Registered is null;
                        Registered = instance;
                        LastError = null;
                        if (first)
                        {
                            LogRegistered(instance.AppName, instance.InstanceId, instance.BaseUri);
                        }
                    }
                }
                else if (await client.RenewAsync(instance, stoppingToken) == HttpStatusCode.NotFound)
                {
                    // The server restarted, evicted us or holds a record newer than ours: register again straight
                    // away with a fresh dirty stamp (as Eureka's client does), so our record wins over the stored one.
                    LogReRegistering(instance.InstanceId);
                    instance = instance with { LastDirtyTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds() };
                    registered = false;
                    continue;
                }
                else
                {
                    LastError = null;
                }
            }
            catch (HttpRequestException ex)
            {
                if (LastError is null)
                {
                    LogCallFailed(ex.Message);
                }
                LastError = ex.Message;
            }
            try
            {
                await Task.Delay(registered ? renewal : TimeSpan.FromSeconds(Math.Min(2, renewal.TotalSeconds)), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await StartDeregistration().WaitAsync(cancellationToken);
    }

    private Task StartDeregistration()
    {
        lock (_gate)
        {
            return _deregistration ??= DeregisterAsync();
        }
    }

    private async Task DeregisterAsync()
    {
        if ((Registered ?? _sent) is not { } instance)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.CancelAsync(instance, timeout.Token);
            Registered = null;
            LogDeregistered(instance.InstanceId);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogCallFailed(ex.Message);
        }
    }

    // The readiness group decides: a service whose database is down should receive no traffic.
    private async Task<InstanceStatus> CurrentStatusAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(r => r.Tags.Contains(ActuatorEndpoints.ReadinessTag), cancellationToken);
        return ActuatorStatus.Aggregate(report.Entries.Values.Select(ActuatorStatus.Of)) switch
        {
            ActuatorStatus.Down => InstanceStatus.Down,
            ActuatorStatus.OutOfService => InstanceStatus.OutOfService,
            _ => InstanceStatus.Up,
        };
    }

    private EurekaInstance Describe()
    {
        var options = instanceOptions.Value;
        var appName = (options.AppName ?? identity.AppName).ToLowerInvariant();
        var bound = BoundAddress();
        var port = options.Port > 0 ? options.Port : bound.Port;
        var hostName = options.HostName ?? (IsWildcard(bound.Host) ? Dns.GetHostName() : bound.Host);
        var ip = options.IpAddress ?? ResolveIp(hostName);
        if (options.PreferIpAddress)
        {
            hostName = ip;
        }
        var baseUrl = $"http://{hostName}:{port}";
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new EurekaInstance
        {
            InstanceId = options.InstanceId ?? $"{hostName}:{appName}:{port}",
            AppName = appName.ToUpperInvariant(),
            HostName = hostName,
            IpAddress = ip,
            Status = InstanceStatus.Up,
            Port = port,
            PortEnabled = true,
            SecurePort = 443,
            SecurePortEnabled = false,
            VipAddress = appName,
            SecureVipAddress = appName,
            HomePageUrl = baseUrl + "/",
            StatusPageUrl = baseUrl + "/actuator/info",
            HealthCheckUrl = baseUrl + "/actuator/health",
            Metadata = new Dictionary<string, string>(options.MetadataMap),
            RenewalIntervalSeconds = Math.Max(1, options.LeaseRenewalIntervalInSeconds),
            LeaseDurationSeconds = Math.Max(1, options.LeaseExpirationDurationInSeconds),
            LastDirtyTimestamp = now,
            LastUpdatedTimestamp = now,
        };
    }

    private Uri BoundAddress()
    {
        // Resolved only here: a process that fetches but never registers need not serve HTTP.
        var server = services.GetService<IServer>()
            ?? throw new StartupConfigurationException("Eureka:Client:ShouldRegisterWithEureka", "is true but this process serves no HTTP; set it to false.");
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new StartupConfigurationException("Urls", "the server listens on no address, so there is nothing to register.");
        // Kestrel reports wildcards as "+", "*" or "[::]", which Uri cannot parse as hosts.
        return new Uri(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
    }

    private static bool IsWildcard(string host) => host is "0.0.0.0" or "[::]" or "::";

    private static string ResolveIp(string hostName)
    {
        if (IPAddress.TryParse(hostName, out var literal))
        {
            return literal.ToString();
        }
        try
        {
            var addresses = Dns.GetHostAddresses(hostName);
            return (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault())?.ToString() ?? "127.0.0.1";
        }
        catch (SocketException)
        {
            return "127.0.0.1";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered with discovery as {App}/{InstanceId} at {BaseUri}")]
    private partial void LogRegistered(string app, string instanceId, Uri baseUri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} status {From} -> {To}; telling discovery")]
    private partial void LogStatusChanged(string instanceId, string from, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery does not know {InstanceId}; registering again")]
    private partial void LogReRegistering(string instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deregistered {InstanceId} from discovery")]
    private partial void LogDeregistered(string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery call failed: {Error}")]
    private partial void LogCallFailed(string error);
}

using System.Net;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Platform.Health;

/// <summary>
/// The management port of this process, when <c>Management:Port</c> is set: Kestrel listens there besides the
/// main addresses, and the management endpoints answer there only.
/// </summary>
public sealed class ManagementPort
{
    private ListenOptions? _listen;
    // The configured port, or once bound the port a dynamic (0) one became.
    private int _port;
    private string _host = "127.0.0.1";
    private Uri? _url;

    /// <summary>True when the process has a management port.</summary>
    public bool Enabled { get; private set; }

    /// <summary>The port actually bound (known once the server has started; 0 before, or without a management port).</summary>
    public int Port => _port != 0 || !Enabled ? _port : (_port = _listen?.IPEndPoint?.Port ?? 0);

    /// <summary>The management base URL, e.g. <c>http://127.0.0.1:9082/</c>; null without a management port or before start.</summary>
    public Uri? Url => _url ??= Enabled && Port != 0 ? new Uri($"http://{_host}:{Port}/") : null;

    /// <summary>True when <paramref name="http"/> arrived on the management port.</summary>
    public bool IsManagementConnection(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return Enabled && http.Connection.LocalPort == Port && Port != 0;
    }

    internal void Bind(ListenOptions listen, int configuredPort, string host)
    {
        _listen = listen;
        _port = configuredPort;
        Enabled = true;
        _host = host;
    }

    /// <summary>
    /// Registers <see cref="ManagementOptions"/> (read and validated now) and, when <c>Management:Port</c> is set,
    /// makes Kestrel listen on the main addresses (<c>urls</c>, <c>http_ports</c>) and on the management port.
    /// The management port binds on the host of the first main address.
    /// </summary>
    internal static void AddTo(WebApplicationBuilder builder)
    {
        var management = new ManagementPort();
        builder.Services.AddSingleton(management);
        // Needed now: Kestrel's listeners are configured before the host is built.
        if (builder.AddValidatedOptionsNow<ManagementOptions>(ManagementOptions.Section).Port is not { } port)
        {
            return;
        }

        var main = MainAddresses(builder.Configuration);
        // Listening is configured in code from here on; addresses left in the settings would make Kestrel log
        // that it overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, null);
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, null);
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, null);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in main)
            {
                Listen(kestrel, address.Host, address.Port, _ => { });
            }
            var host = main[0].Host;
            Listen(kestrel, host, port, listen => management.Bind(listen, port, UrlHost(host)));
        });
    }

    private static List<BindingAddress> MainAddresses(IConfiguration configuration)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls) && configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports)
        {
            urls = string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}"));
        }
        if (string.IsNullOrWhiteSpace(urls))
        {
            urls = "http://localhost:5000";
        }
        var addresses = new List<BindingAddress>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                throw new StartupConfigurationException("urls", $"'{url}' is not a listening address.", ex);
            }
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase) || address.IsUnixPipe)
            {
                // TLS terminates in front of the mesh; certificates are not configured by the platform.
                throw new StartupConfigurationException(ManagementOptions.PortKey, $"needs plain http main addresses; '{url}' is not one.");
            }
            addresses.Add(address);
        }
        return addresses;
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, port, configure);
        }
        else
        {
            // "*", "+" and host names: every interface, as Kestrel does for them.
            kestrel.ListenAnyIP(port, configure);
        }
    }

    private static string UrlHost(string host) =>
        host is "*" or "+" or "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : host;
}

using EStore.Platform.Health;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.ServiceDefaults;

/// <summary>
/// When <c>Mesh:AnnounceFile</c> is set, writes the base URL the server actually listens on
/// into that file once it has started. The launcher and test fixtures start processes on
/// port 0 and learn their ports this way, whatever the log format. With a management port, its base URL is
/// written first to the same name plus <see cref="ManagementSuffix"/>, so that once the main file exists both do.
/// </summary>
internal sealed class AnnouncedAddressWriter(IOptions<MeshOptions> options, IServer server, IHostApplicationLifetime lifetime, ManagementPort management) : IHostedService
{
    /// <summary>Appended to the announce file's name for the management URL.</summary>
    public const string ManagementSuffix = ".management";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AnnounceFile is { } file)
        {
            lifetime.ApplicationStarted.Register(() => Write(file));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write(string file)
    {
        if (management.Url is { } managementUrl)
        {
            WriteAtomically(file + ManagementSuffix, managementUrl.ToString().TrimEnd('/'));
        }
        var managementPort = management.Port;
        var addresses = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Where(a => managementPort == 0 || !a.EndsWith($":{managementPort}", StringComparison.Ordinal))
            .ToList();
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }
        address = address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        WriteAtomically(file, address);
    }

    // Write then rename, so a reader never sees half a URL.
    private static void WriteAtomically(string file, string text)
    {
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, file, overwrite: true);
    }
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Hosting;

/// <summary>
/// When <c>Mesh:AnnounceFile</c> is set, writes the base URL the server actually listens on
/// into that file once it has started. The launcher and test fixtures start processes on
/// port 0 and learn their ports this way, whatever the log format.
/// </summary>
internal sealed class AnnouncedAddressWriter(IConfiguration configuration, IServer server, IHostApplicationLifetime lifetime) : IHostedService
{
    public const string Key = "Mesh:AnnounceFile";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var file = configuration[Key];
        if (!string.IsNullOrWhiteSpace(file))
        {
            lifetime.ApplicationStarted.Register(() => Write(file));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Write(string file)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return;
        }
        address = address.Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
        // Write then rename, so a reader never sees half a URL.
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, address);
        File.Move(temporary, file, overwrite: true);
    }
}

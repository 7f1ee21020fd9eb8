using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.ServiceDefaults;

/// <summary>
/// When <c>Mesh:ExitOnStdinClose</c> is true, stops the process gracefully once standard input
/// reaches end-of-file. The launcher and test fixtures hold the other end of that pipe, so
/// their children stop even when they themselves are killed without a chance to clean up.
/// </summary>
internal sealed class ParentProcessWatch(IOptions<MeshOptions> options, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ExitOnStdinClose)
        {
            // A dedicated thread: the read blocks for the whole life of the process.
            new Thread(WaitForEndOfInput) { IsBackground = true, Name = "parent-process-watch" }.Start();
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WaitForEndOfInput()
    {
        using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            while (input.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
        lifetime.StopApplication();
    }
}

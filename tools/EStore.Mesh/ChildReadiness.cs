using System.Diagnostics;
using System.Net.Sockets;

namespace EStore.Mesh;

/// <summary>The wait for an outside child process (smtp4dev, the payment sandbox) to answer: one probe every 200 ms.</summary>
internal static class ChildReadiness
{
    /// <summary>
    /// Polls <paramref name="probe"/> (null = ready, else what it saw) until ready; fails naming the last state when
    /// the process exits or <paramref name="timeout"/> passes. Connection errors and probe timeouts count as not ready.
    /// </summary>
    /// <exception cref="MeshStartupException">The process exited or did not answer in time.</exception>
    public static async Task WaitAsync(ManagedProcess process, TimeSpan timeout, Func<CancellationToken, Task<string?>> probe, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var state = "no answer yet";
        while (true)
        {
            if (process.HasExited)
            {
                var code = await process.Exited.ConfigureAwait(false);
                throw new MeshStartupException(process.Name, $"{process.Name} exited with code {code} while starting", process.GetRecentLines());
            }

            if (clock.Elapsed >= timeout)
            {
                throw new MeshStartupException(process.Name,
                    $"{process.Name} did not answer within {timeout.TotalSeconds:0}s (last check: {state})", process.GetRecentLines());
            }

            try
            {
                if (await probe(cancellationToken).ConfigureAwait(false) is not { } current)
                {
                    return;
                }

                state = current;
            }
            catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                state = ex.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }
}

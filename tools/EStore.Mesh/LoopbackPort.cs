using System.Net;
using System.Net.Sockets;

namespace EStore.Mesh;

/// <summary>Whether something of the developer's own (Zipkin, an SMTP server) already listens on a local port.</summary>
public static class LoopbackPort
{
    /// <summary>True when a TCP connection to 127.0.0.1:<paramref name="port"/> is accepted within 300 ms.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(300));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}

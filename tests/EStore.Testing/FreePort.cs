using System.Net;
using System.Net.Sockets;

namespace EStore.Testing;

/// <summary>Loopback ports for servers that must know their port before they start, or for addresses nobody answers on.</summary>
public static class FreePort
{
    /// <summary>
    /// A port free right now: bound, read and released (the OS does not hand it out again at once). Nothing listens on
    /// it until someone binds it, so it also serves as a dead address.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EStore.Web.Gateway;

namespace EStore.Web.Accounts;

/// <summary>
/// One refresh per refresh token in this instance. A browser sends requests together with the same cookie (a page,
/// its circuit's negotiation, a second tab); each would refresh with the same refresh token, and identity-service
/// takes a second use as theft and revokes the whole session. The first request refreshes; the others, arriving
/// within <see cref="Keep"/>, get the same new pair.
/// </summary>
public sealed class RefreshOnce(TimeProvider time)
{
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);

    public Task<ApiAnswer<Tokens>> RefreshAsync(string refreshToken, GatewayClient gateway)
    {
        var now = time.GetUtcNow();
        foreach (var (key, flight) in _flights)
        {
            if (now - flight.Started > Keep)
            {
                _flights.TryRemove(key, out _);
            }
        }
        // Keyed by a hash: the raw refresh token is not kept as a key. Not the caller's cancellation: the answer is shared.
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));
        return _flights.GetOrAdd(id, _ => new Flight(now, new Lazy<Task<ApiAnswer<Tokens>>>(() => gateway.RefreshAsync(refreshToken, CancellationToken.None))))
            .Call.Value;
    }

    private sealed record Flight(DateTimeOffset Started, Lazy<Task<ApiAnswer<Tokens>>> Call);
}

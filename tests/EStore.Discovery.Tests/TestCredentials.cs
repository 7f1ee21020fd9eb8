using System.Net.Http.Headers;
using System.Text;

namespace EStore.Discovery.Tests;

/// <summary>
/// The credential set every test server runs with (security stays on, as in production). Protocol
/// tests act as the operator (<c>admin</c>, allowed on any app); replication tests as the peer
/// principal <c>discovery</c>; the security tests use the per-app secrets.
/// </summary>
internal static class TestCredentials
{
    public const string AdminSecret = "test-admin-secret";
    public const string PeerSecret = "test-peer-secret";
    public const string OrdersSecret = "test-orders-secret";
    public const string IdentitySecret = "test-identity-secret";
    public const string ProductSecret = "test-product-secret";

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Discovery:Security:Apps:admin"] = AdminSecret,
        ["Discovery:Security:Apps:discovery"] = PeerSecret,
        ["Discovery:Security:Apps:orders"] = OrdersSecret,
        ["Discovery:Security:Apps:identity-service"] = IdentitySecret,
        ["Discovery:Security:Apps:product-service"] = ProductSecret,
    };

    public static AuthenticationHeaderValue Admin => Basic("admin", AdminSecret);

    public static AuthenticationHeaderValue Peer => Basic("discovery", PeerSecret);

    public static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    /// <summary>Marks a request as a peer's replication, with the peer credential that makes it honoured.</summary>
    public static HttpRequestMessage AsReplication(this HttpRequestMessage request)
    {
        request.Headers.Add("x-netflix-discovery-replication", "true");
        request.Headers.Authorization = Peer;
        return request;
    }
}

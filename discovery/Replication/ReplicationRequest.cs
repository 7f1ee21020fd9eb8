namespace EStore.Discovery.Replication;

/// <summary>
/// The one definition of "this request is a peer's replication", shared by the authenticator
/// (replication is honoured only from <c>discovery</c>) and the endpoints (a replication is
/// applied, never forwarded): the header <c>x-netflix-discovery-replication: true</c> (exact
/// value, as Eureka compares it), or a <c>peerreplication/batch</c> request, whose items are all
/// replications whether or not the header came along (Java peers send none).
/// </summary>
internal static class ReplicationRequest
{
    /// <summary>The header a peer sets on a replicated single operation.</summary>
    public const string HeaderName = "x-netflix-discovery-replication";

    /// <summary>True when <paramref name="request"/> carries a peer's replication.</summary>
    public static bool IsReplication(HttpRequest request) =>
        string.Equals(request.Headers[HeaderName].ToString(), "true", StringComparison.Ordinal)
        || (request.Path.Value ?? "").TrimEnd('/').EndsWith("/peerreplication/batch", StringComparison.OrdinalIgnoreCase);
}

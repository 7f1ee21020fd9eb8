using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Security;

/// <summary>
/// Decides who may do what on the Eureka endpoints (HTTP Basic, the user name being the app name):
/// an app's secret changes only that app's instances; <c>admin</c> changes any app; replication
/// (<c>peerreplication/batch</c>, or the <c>x-netflix-discovery-replication</c> header) is honoured
/// only from <c>discovery</c>. Reads are open unless <c>Discovery:Security:ProtectReads</c>.
/// </summary>
public sealed class DiscoveryAuthenticator
{
    /// <summary>The realm named in <c>WWW-Authenticate</c>.</summary>
    public const string Realm = "eureka";

    // Secrets are compared as SHA-256 digests: FixedTimeEquals needs equal lengths, and a digest
    // hides the secret's length as well.
    private readonly Dictionary<string, byte[]> _digests = new(StringComparer.OrdinalIgnoreCase);
    private readonly byte[] _unknownUserDigest = SHA256.HashData(RandomNumberGenerator.GetBytes(32));

    /// <summary>Reads the configured secrets once; changing them needs a restart.</summary>
    public DiscoveryAuthenticator(IOptions<DiscoveryServerOptions> options)
    {
        var security = options.Value.Security;
        Enabled = security.Enabled;
        ProtectReads = security.ProtectReads;
        foreach (var (principal, secret) in security.Apps)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                _digests[principal] = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            }
        }
    }

    /// <summary>Whether writes need credentials at all.</summary>
    public bool Enabled { get; }

    /// <summary>Whether reads need a valid credential too.</summary>
    public bool ProtectReads { get; }

    /// <summary>
    /// The principal whose Basic credential the request carries, or null when it carries none or a
    /// wrong one.
    /// </summary>
    public string? Authenticate(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }
        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }
        var user = decoded[..separator];
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(decoded[(separator + 1)..]));
        // An unknown user costs the same comparison, so timing does not tell which names exist.
        var known = _digests.TryGetValue(user, out var expected);
        var matches = CryptographicOperations.FixedTimeEquals(presented, known ? expected! : _unknownUserDigest);
        return known && matches ? user : null;
    }

    /// <summary>
    /// Null when the request may proceed; otherwise the refusal: 401 (no or wrong credential, with
    /// <c>WWW-Authenticate: Basic realm="eureka"</c>) or 403 (valid credential, not for this app).
    /// </summary>
    public IResult? Check(HttpContext context)
    {
        if (!Enabled)
        {
            return null;
        }
        var request = context.Request;
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (isRead && !ProtectReads)
        {
            return null;
        }
        if (Authenticate(request) is not { } principal)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
            return Results.Text("Credentials required (HTTP Basic: app name and its secret)", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        }
        if (isRead)
        {
            return null;
        }
        var isPeer = string.Equals(principal, DiscoverySecurityOptions.PeerPrincipal, StringComparison.OrdinalIgnoreCase);
        if (ReplicationRequest.IsReplication(request))
        {
            return isPeer ? null : Forbidden($"only '{DiscoverySecurityOptions.PeerPrincipal}' may replicate");
        }
        if (isPeer || string.Equals(principal, DiscoverySecurityOptions.AdminPrincipal, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var app = request.RouteValues["app"] as string;
        return app is not null && string.Equals(app, principal, StringComparison.OrdinalIgnoreCase)
            ? null
            : Forbidden($"'{principal}' may not change {(app is null ? "this resource" : $"app '{app}'")}");
    }

    /// <summary>An endpoint filter applying <see cref="Check"/>.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var refusal = context.HttpContext.RequestServices.GetRequiredService<DiscoveryAuthenticator>().Check(context.HttpContext);
        return refusal ?? await next(context);
    }

    private static IResult Forbidden(string reason) => Results.Text(reason, "text/plain", statusCode: StatusCodes.Status403Forbidden);
}

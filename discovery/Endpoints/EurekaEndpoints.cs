using System.Globalization;
using EStore.Discovery.Caching;
using EStore.Discovery.Registry;
using EStore.Discovery.Replication;
using EStore.Discovery.Security;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Endpoints;

/// <summary>
/// Eureka's REST operations, served identically under <c>/eureka/v2/</c> (Netflix, eureka-js-client)
/// and <c>/eureka/</c> (Spring, Steeltoe). Routing ignores a trailing slash, app names are
/// case-insensitive, instance ids case-sensitive. A request with the header
/// <c>x-netflix-discovery-replication: true</c> is a peer's replication (<see cref="ReplicationRequest"/>): applied, never forwarded.
/// Every write needs the app's (or <c>admin</c>'s) credential, replication <c>discovery</c>'s
/// (<see cref="DiscoveryAuthenticator"/>).
/// Deviations from Eureka: JSON unless only XML is acceptable, JSON-only request bodies (XML is
/// 415), and 400 instead of 500 for a bad status value.
/// </summary>
public static class EurekaEndpoints
{
    private static readonly string[] Prefixes = ["/eureka/v2", "/eureka"];

    /// <summary>Maps every Eureka operation under both prefixes.</summary>
    public static IEndpointRouteBuilder MapEurekaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            var group = endpoints.MapGroup(prefix).ExcludeFromDescription();
            // Before any body is read: an unauthenticated caller learns nothing about the registry.
            group.AddEndpointFilter(DiscoveryAuthenticator.FilterAsync);
            group.MapGet("/apps", GetApplications);
            // A literal segment beats the {app} template, so "delta" is never taken for an app name.
            group.MapGet("/apps/delta", GetDelta);
            group.MapPost("/apps/{app}", Register);
            group.MapGet("/apps/{app}", GetApplication);
            group.MapPut("/apps/{app}/{id}", Renew);
            group.MapDelete("/apps/{app}/{id}", Cancel);
            group.MapGet("/apps/{app}/{id}", GetInstance);
            group.MapPut("/apps/{app}/{id}/status", SetStatus);
            group.MapDelete("/apps/{app}/{id}/status", RemoveStatus);
            group.MapPut("/apps/{app}/{id}/metadata", UpdateMetadata);
            group.MapGet("/instances/{id}", GetInstanceById);
            group.MapGet("/vips/{vip}", (string vip, HttpRequest request, ResponseCache cache) => Cached(cache, CachedDocument.Vip, vip, request));
            group.MapGet("/svips/{svip}", (string svip, HttpRequest request, ResponseCache cache) => Cached(cache, CachedDocument.SecureVip, svip, request));
            group.MapPost("/peerreplication/batch", ReplicateBatch);
            group.MapGet("/status", ServerStatus.Get);
        }
        return endpoints;
    }

    private static IResult GetApplications(HttpRequest request, ResponseCache cache) =>
        Cached(cache, CachedDocument.AllApps, "", request);

    private static IResult GetDelta(HttpRequest request, ResponseCache cache, IOptions<DiscoveryServerOptions> options) =>
        options.Value.DisableDelta
            ? EurekaResults.Text("Delta is disabled on this server; fetch the full registry.", StatusCodes.Status403Forbidden)
            : Cached(cache, CachedDocument.Delta, "", request);

    private static IResult GetApplication(string app, HttpRequest request, ResponseCache cache) =>
        Cached(cache, CachedDocument.Application, app.ToUpperInvariant(), request);

    private static IResult GetInstance(string app, string id, HttpRequest request, InstanceRegistry registry) =>
        registry.GetInstance(app, DecodeId(id)) is { } instance
            ? EurekaResults.Instance(instance, RegistryDocuments.Negotiate(request))
            : Results.NotFound();

    private static IResult GetInstanceById(string id, HttpRequest request, InstanceRegistry registry) =>
        registry.GetInstanceById(DecodeId(id)) is { } instance
            ? EurekaResults.Instance(instance, RegistryDocuments.Negotiate(request))
            : Results.NotFound();

    private static async Task<IResult> Register(string app, HttpRequest request, ReplicatingRegistry registry)
    {
        var (document, error) = await JsonRequestBody.ReadAsync(request);
        if (document is null)
        {
            return error!;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object
                || !root.TryGetProperty("instance", out var element)
                || element.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                return EurekaResults.CannotParseBody();
            }
            if (RegistrationReader.Read(app, element, out var invalid) is not { } instance)
            {
                return EurekaResults.BadRequestText(invalid!);
            }
            var result = registry.Register(instance, ReplicationRequest.IsReplication(request));
            return result.RefusedStatus is { } refused
                ? EurekaResults.Text(result.RefusedReason ?? "Registration refused", refused)
                : Results.NoContent();
        }
    }

    private static IResult Renew(string app, string id, HttpRequest request, ReplicatingRegistry registry)
    {
        var isReplication = ReplicationRequest.IsReplication(request);
        // The "status" query parameter is accepted and ignored, as in Eureka; "overriddenstatus" only counts from peers.
        InstanceStatus? overridden = isReplication && EurekaJson.TryParseStatus(request.Query["overriddenstatus"].FirstOrDefault(), out var o) ? o : null;
        var result = registry.Renew(app, DecodeId(id), QueryLong(request, "lastDirtyTimestamp"), isReplication, overridden);
        return result switch
        {
            { Outcome: RenewOutcome.Renewed } => Results.Ok(),
            { Outcome: RenewOutcome.Conflict, Instance: { } stored } => EurekaResults.Instance(stored, ResponseFormat.Json, StatusCodes.Status409Conflict),
            { Outcome: RenewOutcome.Invalid } => EurekaResults.BadRequestText("lastDirtyTimestamp is too far in the future"),
            _ => Results.NotFound(),
        };
    }

    private static IResult Cancel(string app, string id, HttpRequest request, ReplicatingRegistry registry) =>
        registry.Cancel(app, DecodeId(id), ReplicationRequest.IsReplication(request)) ? Results.Ok() : Results.NotFound();

    private static IResult SetStatus(string app, string id, HttpRequest request, ReplicatingRegistry registry)
    {
        // Eureka answers 500 to a missing or invalid value; a client error is the honest code.
        if (!EurekaJson.TryParseStatus(request.Query["value"].FirstOrDefault(), out var status))
        {
            return EurekaResults.BadRequestText("Missing or invalid status value");
        }
        return registry.SetStatusOverride(app, DecodeId(id), status, QueryLong(request, "lastDirtyTimestamp"), ReplicationRequest.IsReplication(request)) is not null
            ? Results.Ok()
            : Results.NotFound();
    }

    private static IResult RemoveStatus(string app, string id, HttpRequest request, ReplicatingRegistry registry)
    {
        var fallback = InstanceStatus.Unknown;
        var value = request.Query["value"].FirstOrDefault();
        if (value is not null && !EurekaJson.TryParseStatus(value, out fallback))
        {
            return EurekaResults.BadRequestText("Invalid status value");
        }
        return registry.RemoveStatusOverride(app, DecodeId(id), fallback, QueryLong(request, "lastDirtyTimestamp"), ReplicationRequest.IsReplication(request)) is not null
            ? Results.Ok()
            : Results.NotFound();
    }

    private static IResult UpdateMetadata(string app, string id, HttpRequest request, ReplicatingRegistry registry)
    {
        // Every query pair becomes a metadata entry; the first value wins for a repeated key.
        var metadata = request.Query
            .Where(q => q.Key.Length > 0)
            .ToDictionary(q => q.Key, q => q.Value.FirstOrDefault() ?? "", StringComparer.Ordinal);
        return registry.UpdateMetadata(app, DecodeId(id), metadata, ReplicationRequest.IsReplication(request)) is not null
            ? Results.Ok()
            : Results.NotFound();
    }

    private static async Task<IResult> ReplicateBatch(HttpRequest request, ReplicatingRegistry registry)
    {
        var (document, error) = await JsonRequestBody.ReadAsync(request);
        if (document is null)
        {
            return error!;
        }
        using (document)
        {
            List<ReplicationItem?> items;
            try
            {
                items = ReplicationJson.ReadRequest(document.RootElement);
            }
            catch (System.Text.Json.JsonException)
            {
                return EurekaResults.CannotParseBody();
            }
            // Every batch item is a replication, with or without the header (Java peers send none).
            var results = items.Select(item =>
            {
                try
                {
                    return registry.Apply(item);
                }
                catch (Exception)
                {
                    return new ReplicationResult(StatusCodes.Status500InternalServerError);
                }
            }).ToList();
            return EurekaResults.Json(ReplicationJson.WriteResponse(results));
        }
    }

    private static IResult Cached(ResponseCache cache, CachedDocument document, string name, HttpRequest request)
    {
        var format = RegistryDocuments.Negotiate(request);
        return EurekaResults.Cached(cache.Get(new CacheKey(document, name, format)), format);
    }

    private static long? QueryLong(HttpRequest request, string name) =>
        long.TryParse(request.Query[name].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>
    /// Route values arrive percent-decoded except for an encoded slash, which the server keeps
    /// escaped so it cannot split the path; decode that one too. (An id containing the literal
    /// text "%2F" would be misread; no client generates such ids.)
    /// </summary>
    private static string DecodeId(string id) =>
        id.Contains("%2F", StringComparison.OrdinalIgnoreCase) ? id.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase) : id;
}

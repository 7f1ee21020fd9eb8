using System.Globalization;
using System.Text.Json;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>
/// Eureka's REST operations, served identically under <c>/eureka/v2/</c> (Netflix, eureka-js-client)
/// and <c>/eureka/</c> (Spring, Steeltoe). Routing ignores a trailing slash, app names are
/// case-insensitive, instance ids case-sensitive. Deviations from Eureka: JSON only (no XML,
/// whatever the Accept header says), no gzip, and 400 instead of 500 for a bad status value.
/// </summary>
public static class EurekaEndpoints
{
    private static readonly string[] Prefixes = ["/eureka/v2", "/eureka"];

    public static IEndpointRouteBuilder MapEurekaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        foreach (var prefix in Prefixes)
        {
            var group = endpoints.MapGroup(prefix);
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
            group.MapGet("/instances/{id}", GetInstanceById);
        }
        return endpoints;
    }

    private static IResult GetApplications(InstanceRegistry registry) =>
        EurekaResults.Applications(registry.GetApplications());

    private static IResult GetDelta(InstanceRegistry registry) =>
        EurekaResults.Applications(registry.GetDelta());

    private static IResult GetApplication(string app, InstanceRegistry registry) =>
        registry.GetApplication(app) is { } instances
            ? EurekaResults.Application(app.ToUpperInvariant(), instances)
            : Results.NotFound();

    private static IResult GetInstance(string app, string id, InstanceRegistry registry) =>
        registry.GetInstance(app, DecodeId(id)) is { } instance ? EurekaResults.Instance(instance) : Results.NotFound();

    private static IResult GetInstanceById(string id, InstanceRegistry registry) =>
        registry.GetInstanceById(DecodeId(id)) is { } instance ? EurekaResults.Instance(instance) : Results.NotFound();

    private static async Task<IResult> Register(string app, HttpRequest request, InstanceRegistry registry)
    {
        if (request.ContentType is { } contentType && contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            return EurekaResults.CannotParseBody();
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("instance", out var element) || element.ValueKind != JsonValueKind.Object)
            {
                return EurekaResults.CannotParseBody();
            }
            if (RegistrationReader.Read(app, element, out var error) is not { } instance)
            {
                return EurekaResults.BadRequestText(error!);
            }
            registry.Register(instance);
            return Results.NoContent();
        }
    }

    private static IResult Renew(string app, string id, HttpRequest request, InstanceRegistry registry)
    {
        // The "status" query parameter is accepted and ignored, as in Eureka.
        return registry.Renew(app, DecodeId(id), QueryLong(request, "lastDirtyTimestamp")) switch
        {
            RenewOutcome.Renewed => Results.Ok(),
            RenewOutcome.Conflict when registry.GetInstance(app, DecodeId(id)) is { } stored => EurekaResults.Instance(stored, StatusCodes.Status409Conflict),
            _ => Results.NotFound(),
        };
    }

    private static IResult Cancel(string app, string id, InstanceRegistry registry) =>
        registry.Cancel(app, DecodeId(id)) ? Results.Ok() : Results.NotFound();

    private static IResult SetStatus(string app, string id, HttpRequest request, InstanceRegistry registry)
    {
        // Eureka answers 500 to a missing or invalid value; a client error is the honest code.
        if (!EurekaJson.TryParseStatus(request.Query["value"].FirstOrDefault(), out var status))
        {
            return EurekaResults.BadRequestText("Missing or invalid status value");
        }
        return registry.SetStatusOverride(app, DecodeId(id), status, QueryLong(request, "lastDirtyTimestamp"))
            ? Results.Ok()
            : Results.NotFound();
    }

    private static IResult RemoveStatus(string app, string id, HttpRequest request, InstanceRegistry registry)
    {
        var fallback = InstanceStatus.Unknown;
        var value = request.Query["value"].FirstOrDefault();
        if (value is not null && !EurekaJson.TryParseStatus(value, out fallback))
        {
            return EurekaResults.BadRequestText("Invalid status value");
        }
        return registry.RemoveStatusOverride(app, DecodeId(id), fallback, QueryLong(request, "lastDirtyTimestamp"))
            ? Results.Ok()
            : Results.NotFound();
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

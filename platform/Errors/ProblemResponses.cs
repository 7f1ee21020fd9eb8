using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Platform.Errors;

/// <summary>
/// RFC 9457 problem responses with the extension members the reference clients read:
/// <c>error</c> (the reason phrase), <c>message</c> (what went wrong) and <c>status_code</c>.
/// The one place that maps a business <see cref="Error"/> to its problem.
/// </summary>
public static class ProblemResponses
{
    /// <summary>The media type of every problem.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The message of the 400 for a request whose JSON body is missing.</summary>
    public const string MissingBody = "A JSON request body is required.";

    /// <summary>The message of the 400 for a request whose body is not valid JSON (or not the expected shape).</summary>
    public const string InvalidBody = "The request body is not valid JSON for this request.";

    /// <summary>
    /// Problem details for every error answer (with <see cref="Customize"/>), 4xx problems for malformed requests
    /// (missing or unreadable JSON bodies, values that do not bind, <see cref="ProblemException"/>) instead of bare
    /// status codes, and <see cref="Error"/>'s mapping.
    /// </summary>
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);
        services.AddExceptionHandler<RequestProblemHandler>();
        // Binding failures become exceptions the handler above can explain, not an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Adds the <c>error</c>, <c>message</c> and <c>status_code</c> members to every problem response.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        if (context.Exception is not null)
        {
            // Never reveal internals: an unexpected exception is a generic 500 whatever it says.
            problem.Detail = "An unexpected error occurred. Quote the traceId when reporting it.";
        }
        var reason = ReasonPhrases.GetReasonPhrase(status);
        problem.Title ??= reason;
        problem.Extensions["error"] = reason.Length > 0 ? reason : problem.Title;
        problem.Extensions["message"] = problem.Detail ?? problem.Title;
        problem.Extensions["status_code"] = status;
    }

    /// <summary>The typed problem answer for <paramref name="error"/>.</summary>
    public static ProblemResult ToProblem(this Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ProblemResult(error.ToProblemDetails(), error.Kind == ErrorKind.Unauthorized ? error.Challenge : null);
    }

    /// <summary>
    /// The problem for <paramref name="error"/>: its status and message, its fields under <c>errors</c> and its
    /// <see cref="Error.Extensions"/> as members of their own.
    /// </summary>
    public static ProblemDetails ToProblemDetails(this Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var problem = error.Fields is null ? new ProblemDetails() : new HttpValidationProblemDetails(new Dictionary<string, string[]>(error.Fields));
        problem.Status = error.Status;
        problem.Detail = error.Message;
        foreach (var (name, value) in error.Extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }
        return problem;
    }

    /// <summary>A 404 problem: the resource is missing (or is not the caller's).</summary>
    public static ProblemResult NotFound(string message) => Error.NotFound(message).ToProblem();

    /// <summary>A 400 problem: the request is malformed.</summary>
    public static ProblemResult BadRequest(string message) => Error.BadRequest(message).ToProblem();

    /// <summary>A 409 problem: the request conflicts with the current state.</summary>
    public static ProblemResult Conflict(string message) => Error.Conflict(message).ToProblem();

    /// <summary>A 422 validation problem listing the invalid fields.</summary>
    public static ProblemResult Validation(IDictionary<string, string[]> errors) => Error.Validation(errors).ToProblem();
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace EStore.Platform.Errors;

/// <summary>
/// RFC 9457 problem responses with the extension members the reference clients read:
/// <c>error</c> (the reason phrase), <c>message</c> (what went wrong) and <c>status_code</c>.
/// </summary>
public static class ProblemResponses
{
    /// <summary>Adds the <c>error</c>, <c>message</c> and <c>status_code</c> members to every problem response.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
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

    /// <summary>A 404 problem: the resource is missing (or is not the caller's).</summary>
    public static IResult NotFound(string message) => Results.Problem(message, statusCode: StatusCodes.Status404NotFound);

    /// <summary>A 400 problem: the request is malformed.</summary>
    public static IResult BadRequest(string message) => Results.Problem(message, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A 409 problem: the request conflicts with the current state.</summary>
    public static IResult Conflict(string message) => Results.Problem(message, statusCode: StatusCodes.Status409Conflict);

    /// <summary>A 422 validation problem listing the invalid fields.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, "One or more fields are invalid.", statusCode: StatusCodes.Status422UnprocessableEntity);
}

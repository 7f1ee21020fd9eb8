using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace EStore.Platform.Errors;

/// <summary>
/// Refuses a request from where no answer can be returned, such as a bindable query type's <c>BindAsync</c>;
/// the platform's exception handler answers with <see cref="Error"/>'s problem (nothing is logged as a failure).
/// </summary>
public sealed class ProblemException : Exception
{
    /// <summary>Refuses the request with <paramref name="error"/>.</summary>
    public ProblemException(Error error)
        : base(error?.Message)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The refusal.</summary>
    public Error Error { get; }
}

/// <summary>
/// Answers request-shaped failures as 4xx problems: a <see cref="ProblemException"/>, and the framework's
/// <see cref="BadHttpRequestException"/> (a JSON body that is missing or unreadable, a value that does not bind),
/// which minimal APIs throw because <see cref="ProblemResponses.AddProblemResponses"/> sets <c>ThrowOnBadRequest</c>.
/// </summary>
internal sealed class RequestProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException refused => refused.Error.ToProblemDetails(),
            BadHttpRequestException bad => new() { Status = bad.StatusCode, Detail = Describe(httpContext, bad) },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    private static string Describe(HttpContext httpContext, BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException)
        {
            return ProblemResponses.InvalidBody;
        }
        var request = httpContext.Request;
        var noBody = request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding"));
        // The handler runs with the endpoint cleared; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return noBody && endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is not null
            ? ProblemResponses.MissingBody
            : bad.Message;
    }
}

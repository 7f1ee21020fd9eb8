using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace EStore.Platform.Errors;

/// <summary>
/// The typed answer for a refused request: an RFC 9457 problem written through <see cref="IProblemDetailsService"/>
/// (so it carries <c>error</c>, <c>message</c> and <c>status_code</c>). As a member of an endpoint's
/// <c>Results&lt;...&gt;</c> it declares the problem answers in OpenAPI. Made by <see cref="ProblemResponses.ToProblem(Error)"/>.
/// </summary>
public sealed class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IEndpointMetadataProvider
{
    // The refusals a business result can carry; 401 and 403 from authorisation are declared by the policies.
    private static readonly int[] DeclaredStatuses =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable,
    ];

    private readonly string? _challenge;

    internal ProblemResult(ProblemDetails problem, string? challenge)
    {
        Value = problem;
        _challenge = challenge;
    }

    /// <summary>The problem written.</summary>
    public ProblemDetails Value { get; }

    /// <summary>The HTTP status.</summary>
    public int StatusCode => Value.Status ?? StatusCodes.Status500InternalServerError;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (_challenge is not null)
        {
            // HTTP requires a challenge with every 401.
            httpContext.Response.Headers.WWWAuthenticate = _challenge;
        }
        return TypedResults.Problem(Value).ExecuteAsync(httpContext);
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in DeclaredStatuses)
        {
            var type = status == StatusCodes.Status422UnprocessableEntity ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, type, [ProblemResponses.ContentType]));
        }
    }
}

/// <summary>Turns a business <see cref="Result{T}"/> into an endpoint's typed answer.</summary>
public static class ResultHttpExtensions
{
    /// <summary>The success answer built from the value, or the error's problem.</summary>
    public static Results<TSuccess, ProblemResult> ToHttpResult<T, TSuccess>(this Result<T> result, Func<T, TSuccess> success)
        where TSuccess : IResult
    {
        ArgumentNullException.ThrowIfNull(success);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }
        return success(result.Value!);
    }

    /// <summary>200 with the value, or the error's problem.</summary>
    public static Results<Ok<T>, ProblemResult> ToOk<T>(this Result<T> result) => result.ToHttpResult(TypedResults.Ok);

    /// <summary>The success answer, or the error's problem.</summary>
    public static Results<TSuccess, ProblemResult> ToHttpResult<TSuccess>(this Result result, Func<TSuccess> success)
        where TSuccess : IResult
    {
        ArgumentNullException.ThrowIfNull(success);
        if (result.Error is { } error)
        {
            return error.ToProblem();
        }
        return success();
    }

    /// <summary>204, or the error's problem.</summary>
    public static Results<NoContent, ProblemResult> ToNoContent(this Result result) => result.ToHttpResult(TypedResults.NoContent);
}

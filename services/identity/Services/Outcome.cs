using EStore.Platform.Errors;

namespace EStore.Identity.Services;

/// <summary>Why an operation was refused, in architecture.md's terms (mapped to a problem response).</summary>
public sealed record Failure(int Status, string Message, IDictionary<string, string[]>? Errors = null, string? Challenge = null)
{
    public static Failure BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);
    /// <summary>A 401; HTTP requires a challenge with it (<c>Bearer</c>, or <c>Bearer error="invalid_token"</c> for a token that no longer works).</summary>
    public static Failure Unauthorized(string message, string challenge = "Bearer") => new(StatusCodes.Status401Unauthorized, message, Challenge: challenge);
    public static Failure Forbidden(string message) => new(StatusCodes.Status403Forbidden, message);
    public static Failure NotFound(string message) => new(StatusCodes.Status404NotFound, message);
    public static Failure Conflict(string message) => new(StatusCodes.Status409Conflict, message);
    public static Failure Invalid(IDictionary<string, string[]> errors) => new(StatusCodes.Status422UnprocessableEntity, "One or more fields are invalid.", errors);
    public static Failure Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The problem response.</summary>
    public IResult ToResult() => Status switch
    {
        StatusCodes.Status422UnprocessableEntity when Errors is not null => ProblemResponses.Validation(Errors),
        _ when Challenge is not null => new ChallengeResult(Challenge, Results.Problem(Message, statusCode: Status)),
        _ => Results.Problem(Message, statusCode: Status),
    };

    private sealed class ChallengeResult(string challenge, IResult problem) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = challenge;
            return problem.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>A value or the reason there is none.</summary>
public readonly record struct Outcome<T>(T? Value, Failure? Failure)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    /// <summary>The success response built from the value, or the failure's problem response.</summary>
    public IResult ToResult(Func<T, IResult> success) => Failure is { } failure ? failure.ToResult() : success(Value!);
}

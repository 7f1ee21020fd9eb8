using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Errors;

/// <summary>The kinds of refusal architecture.md names; each maps to one HTTP status.</summary>
public enum ErrorKind
{
    /// <summary>400: the request is malformed.</summary>
    BadRequest,

    /// <summary>401: no usable credentials.</summary>
    Unauthorized,

    /// <summary>403: the caller may not do this.</summary>
    Forbidden,

    /// <summary>404: missing, or not the caller's.</summary>
    NotFound,

    /// <summary>409: conflicts with the current state.</summary>
    Conflict,

    /// <summary>422: well-formed but invalid fields.</summary>
    Validation,

    /// <summary>503: a service this operation depends on cannot answer now; nothing was changed, try again.</summary>
    Unavailable,

    /// <summary>413: the request body is larger than the operation accepts; nothing was read beyond the limit.</summary>
    TooLarge,
}

/// <summary>
/// Why a business operation was refused. Business services return it (inside <see cref="Result{T}"/>), never an
/// HTTP answer; <see cref="ProblemResponses.ToProblem(Error)"/> is the one place that turns it into an RFC 9457 problem.
/// </summary>
/// <param name="Kind">What kind of refusal, which decides the status.</param>
/// <param name="Message">The problem's <c>detail</c> and <c>message</c>.</param>
/// <param name="Fields">The failing fields and why, for <see cref="ErrorKind.Validation"/> (and bad query values).</param>
/// <param name="Challenge">The <c>WWW-Authenticate</c> value a 401 carries.</param>
public sealed record Error(ErrorKind Kind, string Message, IReadOnlyDictionary<string, string[]>? Fields = null, string? Challenge = null)
{
    /// <summary>
    /// Members the problem carries beside the standard ones, for what a client acts on (a 409's <c>available</c>
    /// count, for example): <c>Error.Conflict(message) with { Extensions = ... }</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>The message of every validation error.</summary>
    public const string InvalidFields = "One or more fields are invalid.";

    /// <summary>The HTTP status of <see cref="Kind"/>.</summary>
    public int Status => Kind switch
    {
        ErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    /// <summary>A 400: the request is malformed.</summary>
    public static Error BadRequest(string message) => new(ErrorKind.BadRequest, message);

    /// <summary>A 400 naming the one query or body value that is malformed (listed under <c>errors</c>).</summary>
    public static Error BadValue(string name, string message) => new(ErrorKind.BadRequest, message, One(name, message));

    /// <summary>A 401 with its challenge (<c>Bearer</c>, or <c>Bearer error="invalid_token"</c> for a token that no longer works).</summary>
    public static Error Unauthorized(string message, string challenge = "Bearer") => new(ErrorKind.Unauthorized, message, Challenge: challenge);

    /// <summary>A 403: the caller may not do this.</summary>
    public static Error Forbidden(string message) => new(ErrorKind.Forbidden, message);

    /// <summary>A 404: the resource is missing (or is not the caller's).</summary>
    public static Error NotFound(string message) => new(ErrorKind.NotFound, message);

    /// <summary>A 409: the request conflicts with the current state.</summary>
    public static Error Conflict(string message) => new(ErrorKind.Conflict, message);

    /// <summary>A 503: a dependency cannot answer now; nothing was changed.</summary>
    public static Error Unavailable(string message) => new(ErrorKind.Unavailable, message);

    /// <summary>A 413: the request body is over the operation's limit.</summary>
    public static Error TooLarge(string message) => new(ErrorKind.TooLarge, message);

    /// <summary>A 422 listing the invalid fields.</summary>
    public static Error Validation(IDictionary<string, string[]> fields) =>
        new(ErrorKind.Validation, InvalidFields, fields.AsReadOnly());

    /// <summary>A 422 for one invalid field.</summary>
    public static Error Validation(string field, string message) => new(ErrorKind.Validation, InvalidFields, One(field, message));

    private static Dictionary<string, string[]> One(string name, string message) => new() { [name] = [message] };
}

/// <summary>What a business operation returns: a value, or the <see cref="Errors.Error"/> saying why there is none.</summary>
/// <typeparam name="T">The value on success.</typeparam>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value; default when <see cref="Error"/> is set.</summary>
    public T? Value { get; }

    /// <summary>Why the operation was refused; null on success.</summary>
    public Error? Error { get; }

    /// <summary>A success.</summary>
    public static implicit operator Result<T>(T value) => new(value, null);

    /// <summary>A refusal.</summary>
    public static implicit operator Result<T>(Error error) => new(default, error);
}

/// <summary>What a business operation without a value returns: success, or the <see cref="Errors.Error"/> saying why not.</summary>
public readonly record struct Result
{
    private Result(Error? error) => Error = error;

    /// <summary>Why the operation was refused; null on success.</summary>
    public Error? Error { get; }

    /// <summary>The success.</summary>
    public static Result Success => default;

    /// <summary>A refusal.</summary>
    public static implicit operator Result(Error error) => new(error);
}

using EStore.Platform.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EStore.Platform.Data;

/// <summary>
/// Answers a request that failed because the database could not be reached in time (the connection pool exhausted,
/// the server refusing or restarting, a transient failure that rolled the transaction back) with a 503 problem and
/// <c>Retry-After</c>, as the database being away is a state to wait out, not a bug: a 500 would tell clients and
/// the gateway's circuit breaker something else.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>The problem's message.</summary>
    public const string Message = "The service's database cannot answer right now. Try again shortly.";

    private const string RetryAfterSeconds = "1";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception))
        {
            return false;
        }
        LogUnavailable(logger, exception.GetType().Name);
        var problem = new Error(ErrorKind.Unavailable, Message).ToProblemDetails();
        httpContext.Response.StatusCode = problem.Status!.Value;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>Whether <paramref name="exception"/> or one it wraps (EF Core wraps Npgsql's) is a transient database failure.</summary>
    internal static bool IsTransient(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is NpgsqlException { IsTransient: true })
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database could not answer a request in time ({Exception}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string exception);
}

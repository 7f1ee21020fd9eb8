using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EStore.PaymentSandbox;

/// <summary>One call as an operation sees it: its parameters, route values and the headers that matter.</summary>
internal sealed record StripeCall(StripeParams Params, RouteValueDictionary Route, string ApiVersion, string? IdempotencyKey, CancellationToken Aborted)
{
    public string RouteId => (string)Route["id"]!;
}

/// <summary>
/// What every API call goes through, in Stripe's order: the secret key (401), the parameters, the idempotency key
/// (POST only), the operation, and the answer with Stripe's headers (<c>Request-Id</c>, <c>Stripe-Version</c>,
/// <c>Idempotent-Replayed</c>). One log line per call names the method, path, status and the object; never a parameter.
/// </summary>
internal static partial class StripeEndpoint
{
    /// <summary>A request delegate that runs <paramref name="operation"/> under Stripe's rules.</summary>
    public static RequestDelegate Handle(Func<StripeCall, Task<StripeReply>> operation) => async context =>
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SandboxOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("EStore.PaymentSandbox.Api");
        var request = context.Request;
        var endpoint = $"{request.Method} {request.Path}";
        var version = request.Headers["Stripe-Version"].FirstOrDefault() is { Length: > 0 } asked ? asked : options.ApiVersion;
        context.Response.Headers["Request-Id"] = StripeIds.New("req");
        context.Response.Headers["Stripe-Version"] = version;

        if (Authenticate(request, options.ApiKey!) is { } unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Stripe\"";
            await WriteAsync(context, unauthorized, logger, endpoint);
            return;
        }

        var parameters = await StripeParams.ReadAsync(request, context.RequestAborted);
        string? key = null;
        if (HttpMethods.IsPost(request.Method) && request.Headers["Idempotency-Key"].FirstOrDefault() is { Length: > 0 } given)
        {
            if (given.Length > 255)
            {
                await WriteAsync(context, StripeReply.Invalid("Idempotency keys must be at most 255 characters long.", "Idempotency-Key"), logger, endpoint);
                return;
            }
            key = given;
            context.Response.Headers["Idempotency-Key"] = key;
            var keys = services.GetRequiredService<IdempotencyKeys>();
            var fingerprint = parameters.Fingerprint(services.GetRequiredService<ParameterHashKey>().Key);
            if (keys.Begin(key, endpoint, fingerprint, out var replayed) is { } earlier)
            {
                if (replayed)
                {
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                }
                await WriteAsync(context, earlier, logger, endpoint);
                return;
            }
        }

        StripeReply? reply = null;
        try
        {
            reply = await operation(new StripeCall(parameters, request.RouteValues, version, key, context.RequestAborted));
        }
        finally
        {
            if (key is not null)
            {
                // Only an operation that ran is remembered; a refused one (400, 404) may be sent again under its key.
                services.GetRequiredService<IdempotencyKeys>().Complete(key, reply is { Status: 200 or 402 } ? reply : null);
            }
        }
        if (HttpMethods.IsPost(request.Method) && reply is { Status: 200 or 402 })
        {
            // On disk before the caller hears of it: what a caller was told survives a restart.
            services.GetRequiredService<SandboxPersistence>().Save();
        }
        await WriteAsync(context, reply, logger, endpoint);
    };

    /// <summary><c>Authorization: Bearer &lt;key&gt;</c>, or Basic with the key as user name (<c>curl -u sk_test_...:</c>).</summary>
    internal static StripeReply? Authenticate(HttpRequest request, string apiKey)
    {
        var header = request.Headers.Authorization.FirstOrDefault();
        string? presented = null;
        if (header?.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) == true)
        {
            presented = header[7..].Trim();
        }
        else if (header?.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                presented = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':')[0];
            }
            catch (FormatException)
            {
                presented = "";
            }
        }
        if (string.IsNullOrEmpty(presented))
        {
            return StripeReply.Error(401, new StripeError("invalid_request_error",
                "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."));
        }
        // The key is never echoed, not even masked.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(apiKey))
            ? null
            : StripeReply.Error(401, new StripeError("invalid_request_error", "Invalid API Key provided."));
    }

    private static async Task WriteAsync(HttpContext context, StripeReply reply, ILogger logger, string endpoint)
    {
        var id = reply.Body["id"]?.GetValue<string>()
            ?? reply.Body["error"]?["payment_intent"]?["id"]?.GetValue<string>()
            ?? "";
        var code = reply.Body["error"] is { } error ? $"{error["type"]} {error["code"]} {error["decline_code"]}".TrimEnd() : "";
        LogCall(logger, endpoint, reply.Status, id, code);
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body.ToJsonString(StripeReply.Json), context.RequestAborted);
    }

    [LoggerMessage(LogLevel.Information, "{Endpoint} -> {Status} {ObjectId} {Error}")]
    private static partial void LogCall(ILogger logger, string endpoint, int status, string objectId, string error);
}

/// <summary>
/// The key the parameters of idempotent requests are hashed with: derived from the API key, so the hashes kept in the
/// state file still match after a restart, and useless without the API key.
/// </summary>
internal sealed class ParameterHashKey(IOptions<SandboxOptions> options)
{
    public byte[] Key { get; } = SHA256.HashData(Encoding.UTF8.GetBytes("idempotency-parameters:" + options.Value.ApiKey));
}

using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text.Json;
using EStore.Platform.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace EStore.Platform.Security;

/// <summary>
/// The JwtBearer hooks: answer a token validated before from <see cref="ValidatedTokenCache"/>, otherwise make
/// sure the key for the token's <c>kid</c> is loaded before the synchronous validation runs; enforce <c>sub</c>,
/// <c>jti</c> and revocation after it, and answer failures with problem bodies (401 / 403, or 503 when no
/// signing keys could ever be loaded).
/// </summary>
internal sealed partial class ServiceJwtBearerEvents(
    IJwtSigningKeySource keys,
    ITokenRevocationList revocations,
    ValidatedTokenCache validated,
    ILogger<ServiceJwtBearerEvents> logger) : JwtBearerEvents
{
    private const string KeysUnavailableItem = "EStore.Security.KeysUnavailable";
    private const string BearerPrefix = "Bearer ";

    // A JWS header is a few hundred bytes; anything much larger is not worth decoding.
    private const int MaxHeaderLength = 2048;

    public override async Task MessageReceived(MessageReceivedContext context)
    {
        // Only the Authorization header: tokens in query strings end up in logs (OWASP API2).
        string? authorization = context.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.NoResult();
            return;
        }
        var presented = authorization.AsSpan(BearerPrefix.Length).Trim();
        if (presented.Length == 0)
        {
            context.Fail("empty bearer token");
            return;
        }
        if (validated.Enabled && validated.TryGet(presented, out var known))
        {
            // Keeps the key source's periodic refresh going; answers at once while the kid is known.
            await keys.GetKeysAsync(known.Verified.Kid, context.HttpContext.RequestAborted);
            // Decided here, JwtBearer skips its per-request validation set-up (parameters, handler loop, contexts).
            var principal = new ClaimsPrincipal(known.Identity.Clone());
            if (Check(principal) is { } failure)
            {
                context.Fail(failure);
                return;
            }
            context.Principal = principal;
            context.Success();
            return;
        }
        var token = presented.ToString();
        context.Token = token;
        try
        {
            await keys.GetKeysAsync(ReadKeyId(token), context.HttpContext.RequestAborted);
        }
        catch (SigningKeysUnavailableException ex)
        {
            context.HttpContext.Items[KeysUnavailableItem] = true;
            context.Fail(ex);
        }
    }

    public override Task TokenValidated(TokenValidatedContext context)
    {
        if (Check(context.Principal) is { } failure)
        {
            context.Fail(failure);
        }
        return Task.CompletedTask;
    }

    // What every accepted token must also pass, on every request: sub and jti present, jti not revoked.
    private string? Check(ClaimsPrincipal? principal)
    {
        var tokenId = principal?.FindFirst(TokenClaims.TokenId)?.Value;
        if (!Guid.TryParse(principal?.FindFirst(TokenClaims.Subject)?.Value, out _) || string.IsNullOrEmpty(tokenId))
        {
            return "the token lacks sub or jti";
        }
        if (revocations.IsRevoked(tokenId))
        {
            LogRevokedTokenUsed(tokenId);
            return "the token was revoked";
        }
        return null;
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        LogRejected(context.Exception.GetType().Name);
        return Task.CompletedTask;
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        if (http.Items.ContainsKey(KeysUnavailableItem))
        {
            http.Response.Headers.RetryAfter = "5";
            await WriteProblemAsync(http, StatusCodes.Status503ServiceUnavailable, "Access tokens cannot be checked right now; try again shortly.");
            return;
        }
        // RFC 6750 §3.1: no error code when the request carried no token at all.
        http.Response.Headers[HeaderNames.WWWAuthenticate] = context.AuthenticateFailure is null && context.Request.Headers.Authorization.Count == 0
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        await WriteProblemAsync(http, StatusCodes.Status401Unauthorized, "A valid access token is required.");
    }

    public override Task Forbidden(ForbiddenContext context) =>
        WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Your role does not allow this request.");

    /// <summary>Writes an architecture.md problem body (through the app's problem details service when there is one).</summary>
    internal static async Task WriteProblemAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Detail = message };
        if (problems is not null && await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            return;
        }
        ProblemResponses.Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        await http.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }

    /// <summary>The <c>kid</c> of a compact JWS header, without parsing the payload; null when absent or unreadable.</summary>
    internal static string? ReadKeyId(string token)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > MaxHeaderLength)
        {
            return null;
        }
        var encoded = token.AsSpan(0, dot);
        var rented = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, rented, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }
            var reader = new Utf8JsonReader(rented.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isKid = reader.ValueTextEquals("kid"u8);
                if (!reader.Read())
                {
                    return null;
                }
                if (isKid)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Access token rejected: {Reason}")]
    private partial void LogRejected(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked access token {TokenId} presented")]
    private partial void LogRevokedTokenUsed(string tokenId);
}

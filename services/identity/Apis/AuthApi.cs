using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Identity.Apis;

/// <summary><c>/api/auth/*</c>: registration, verification, login, refresh, logout, password reset, key rotation.</summary>
public static partial class AuthApi
{
    private const string Accepted = "If an account with this address needs it, a message is on its way.";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("Auth").NoStore();
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(IdentityRateLimits.Register);
        auth.MapPost("/verify-email", async (VerifyEmailRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.VerifyEmailAsync(request, ct)).ToOk());
        auth.MapPost("/resend-verification", async (EmailRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.ResendVerificationAsync(request, ct)).ToHttpResult(AcceptedAnswer))
            .RequireRateLimiting(IdentityRateLimits.ResendVerification);
        auth.MapPost("/login", async (LoginRequest request, LoginService logins, CancellationToken ct) =>
            (await logins.LoginAsync(request, ct)).ToOk()).RequireRateLimiting(IdentityRateLimits.Login);
        auth.MapPost("/refresh", async (RefreshRequest request, SessionService sessions, CancellationToken ct) =>
            (await sessions.RefreshAsync(request.RefreshToken, ct)).ToOk());
        auth.MapPost("/logout", (CurrentUser caller, SessionService sessions, CancellationToken ct) => LogoutAsync(caller, sessions, false, ct))
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        auth.MapPost("/logout-all", (CurrentUser caller, SessionService sessions, CancellationToken ct) => LogoutAsync(caller, sessions, true, ct))
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        auth.MapPost("/forgot-password", async (EmailRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.ForgotPasswordAsync(request, ct)).ToHttpResult(AcceptedAnswer))
            .RequireRateLimiting(IdentityRateLimits.ForgotPassword);
        auth.MapPost("/reset-password", async (ResetPasswordRequest request, AccountService accounts, CancellationToken ct) =>
            (await accounts.ResetPasswordAsync(request, ct)).ToNoContent()).RequireRateLimiting(IdentityRateLimits.ResetPassword);
        auth.MapPost("/keys/rotate", RotateKeyAsync).RequireAuthorization(AuthorizationPolicies.Admin);
        return endpoints;
    }

    private static async Task<Results<Created<UserDto>, ProblemResult>> RegisterAsync(RegisterRequest request, AccountService accounts, CancellationToken cancellationToken) =>
        (await accounts.RegisterAsync(request, cancellationToken)).ToHttpResult(user => TypedResults.Created("/api/users/me", user));

    private static Accepted<AcceptedResponse> AcceptedAnswer() => TypedResults.Accepted((string?)null, new AcceptedResponse(Accepted));

    private static async Task<NoContent> LogoutAsync(CurrentUser caller, SessionService sessions, bool everywhere, CancellationToken cancellationToken)
    {
        await sessions.LogoutAsync(caller, everywhere, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<KeyRotationResponse>> RotateKeyAsync(CurrentUser caller, SigningKeyManager keys, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var key = await keys.RotateNowAsync(cancellationToken);
        LogRotated(loggers.CreateLogger(typeof(AuthApi)), caller.Id, key.Id);
        return TypedResults.Ok(new KeyRotationResponse(key.Id, UserMapping.Utc(key.ActivatesAt)));
    }

    [LoggerMessage(EventId = 4030, EventName = "SecurityKeyRotated", Level = LogLevel.Warning, Message = "SECURITY: admin {AdminId} rotated the signing key; {KeyId} signs from now on")]
    private static partial void LogRotated(ILogger logger, Guid adminId, string keyId);
}

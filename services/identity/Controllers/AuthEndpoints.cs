using EStore.Identity.Dtos;
using EStore.Identity.Services;
using EStore.Platform.Security;

namespace EStore.Identity.Controllers;

/// <summary><c>/api/auth/*</c>: registration, verification, login, refresh, logout, password reset, key rotation.</summary>
public static partial class AuthEndpoints
{
    private const string Accepted = "If an account with this address needs it, a message is on its way.";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("Auth").NoStore();
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(IdentityRateLimits.Register).Produces<UserDto>(StatusCodes.Status201Created);
        auth.MapPost("/verify-email", VerifyEmailAsync).Produces<UserDto>();
        auth.MapPost("/resend-verification", ResendVerificationAsync).RequireRateLimiting(IdentityRateLimits.ResendVerification).Produces<AcceptedResponse>(StatusCodes.Status202Accepted);
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(IdentityRateLimits.Login).Produces<TokenResponse>();
        auth.MapPost("/refresh", RefreshAsync).Produces<TokenResponse>();
        auth.MapPost("/logout", (CurrentUser caller, SessionService sessions, CancellationToken ct) => LogoutAsync(caller, sessions, false, ct))
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        auth.MapPost("/logout-all", (CurrentUser caller, SessionService sessions, CancellationToken ct) => LogoutAsync(caller, sessions, true, ct))
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        auth.MapPost("/forgot-password", ForgotPasswordAsync).RequireRateLimiting(IdentityRateLimits.ForgotPassword).Produces<AcceptedResponse>(StatusCodes.Status202Accepted);
        auth.MapPost("/reset-password", ResetPasswordAsync).RequireRateLimiting(IdentityRateLimits.ResetPassword);
        auth.MapPost("/keys/rotate", RotateKeyAsync).RequireAuthorization(AuthorizationPolicies.Admin).Produces<KeyRotationResponse>();
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(RegisterRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : (await accounts.RegisterAsync(request, cancellationToken)).ToResult(user => Results.Created("/api/users/me", user));

    private static async Task<IResult> VerifyEmailAsync(VerifyEmailRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : (await accounts.VerifyEmailAsync(request, cancellationToken)).ToResult(Results.Ok);

    private static async Task<IResult> ResendVerificationAsync(EmailRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : await accounts.ResendVerificationAsync(request, cancellationToken) is { } failure
                ? failure.ToResult()
                : Results.Accepted(value: new AcceptedResponse(Accepted));

    private static async Task<IResult> LoginAsync(LoginRequest? request, LoginService logins, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : (await logins.LoginAsync(request, cancellationToken)).ToResult(Results.Ok);

    private static async Task<IResult> RefreshAsync(RefreshRequest? request, SessionService sessions, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : (await sessions.RefreshAsync(request.RefreshToken, cancellationToken)).ToResult(Results.Ok);

    private static async Task<IResult> LogoutAsync(CurrentUser caller, SessionService sessions, bool everywhere, CancellationToken cancellationToken)
    {
        await sessions.LogoutAsync(caller, everywhere, cancellationToken);
        return Results.NoContent();
    }

    private static async Task<IResult> ForgotPasswordAsync(EmailRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : await accounts.ForgotPasswordAsync(request, cancellationToken) is { } failure
                ? failure.ToResult()
                : Results.Accepted(value: new AcceptedResponse(Accepted));

    private static async Task<IResult> ResetPasswordAsync(ResetPasswordRequest? request, AccountService accounts, CancellationToken cancellationToken) =>
        request is null
            ? EndpointConventions.MissingBody()
            : await accounts.ResetPasswordAsync(request, cancellationToken) is { } failure ? failure.ToResult() : Results.NoContent();

    private static async Task<IResult> RotateKeyAsync(CurrentUser caller, SigningKeyManager keys, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var key = await keys.RotateNowAsync(cancellationToken);
        LogRotated(loggers.CreateLogger(typeof(AuthEndpoints)), caller.Id, key.Id);
        return Results.Ok(new KeyRotationResponse(key.Id, UserMapping.Utc(key.ActivatesAt)));
    }

    [LoggerMessage(EventId = 4030, EventName = "SecurityKeyRotated", Level = LogLevel.Warning, Message = "SECURITY: admin {AdminId} rotated the signing key; {KeyId} signs from now on")]
    private static partial void LogRotated(ILogger logger, Guid adminId, string keyId);
}

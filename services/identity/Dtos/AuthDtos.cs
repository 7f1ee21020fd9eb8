namespace EStore.Identity.Dtos;

// Request fields are nullable so that a missing one reaches validation (422 naming the field)
// instead of failing binding. Unknown fields, such as a "role" at registration, are ignored.

/// <summary><c>POST /api/auth/register</c>.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? Name);

/// <summary><c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? Email, string? Password);

/// <summary><c>POST /api/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary><c>POST /api/auth/verify-email</c>.</summary>
public sealed record VerifyEmailRequest(string? Token);

/// <summary><c>POST /api/auth/resend-verification</c> and <c>POST /api/auth/forgot-password</c>.</summary>
public sealed record EmailRequest(string? Email);

/// <summary><c>POST /api/auth/reset-password</c>.</summary>
public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

/// <summary>A login or refresh result.</summary>
/// <param name="AccessToken">The RS256 JWT for <c>Authorization: Bearer</c>.</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="RefreshToken">The opaque single-use refresh token.</param>
/// <param name="RefreshExpiresIn">Seconds until the refresh token expires.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);

/// <summary>The answer to requests that never reveal whether an account exists.</summary>
public sealed record AcceptedResponse(string Message);

/// <summary><c>POST /api/auth/keys/rotate</c>: the key that now signs.</summary>
public sealed record KeyRotationResponse(string KeyId, DateTimeOffset ActivatesAt);

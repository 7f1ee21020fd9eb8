namespace EStore.Contracts.Events;

/// <summary>A user signed up (identity-service, <see cref="Topics.Identity"/>).</summary>
/// <param name="UserId">The new user's id.</param>
/// <param name="Email">The e-mail address they registered with.</param>
/// <param name="DisplayName">The name shown to others.</param>
/// <param name="Roles">The roles granted at registration (normally <c>customer</c>).</param>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, IReadOnlyList<string> Roles) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>A user must confirm their e-mail address; notification-service sends the link.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The address to verify.</param>
/// <param name="SealedVerificationToken">
/// The single-use token the link carries, sealed with <c>EStore.Platform.Security.SealedToken</c> (purpose
/// <c>email-verification</c>): only holders of <c>AccountTokens:EncryptionKey</c> can read it.
/// </param>
/// <param name="ExpiresAt">When the token stops working.</param>
public sealed record EmailVerificationRequested(Guid UserId, string Email, string SealedVerificationToken, DateTimeOffset ExpiresAt) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>A user confirmed their e-mail address with the link of <see cref="EmailVerificationRequested"/>; notification-service welcomes them.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The address now verified.</param>
/// <param name="DisplayName">The name shown to others.</param>
public sealed record EmailVerified(Guid UserId, string Email, string DisplayName) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>A user asked to reset their password; notification-service sends the link.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">Where to send the link.</param>
/// <param name="SealedResetToken">
/// The single-use token the link carries, sealed with <c>EStore.Platform.Security.SealedToken</c> (purpose
/// <c>password-reset</c>): only holders of <c>AccountTokens:EncryptionKey</c> can read it.
/// </param>
/// <param name="ExpiresAt">When the token stops working.</param>
public sealed record PasswordResetRequested(Guid UserId, string Email, string SealedResetToken, DateTimeOffset ExpiresAt) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>A user's roles changed (for example <c>shop_owner</c> granted on shop registration).</summary>
/// <param name="UserId">The user.</param>
/// <param name="Roles">The complete set of roles after the change.</param>
public sealed record UserRoleChanged(Guid UserId, IReadOnlyList<string> Roles) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>An administrator disabled a user; their tokens stop working.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Reason">Why, for the audit trail.</param>
public sealed record UserDisabled(Guid UserId, string Reason) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>An administrator enabled a disabled user again; what was held for them comes back.</summary>
/// <param name="UserId">The user.</param>
public sealed record UserEnabled(Guid UserId) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

/// <summary>An access token was revoked (logout); the gateway rejects its <c>jti</c> until it expires.</summary>
/// <param name="UserId">The token's subject.</param>
/// <param name="TokenId">The token's <c>jti</c>.</param>
/// <param name="ExpiresAt">The token's own expiry: after it the revocation can be forgotten.</param>
public sealed record TokenRevoked(Guid UserId, string TokenId, DateTimeOffset ExpiresAt) : IntegrationEvent
{
    /// <inheritdoc />
    public override string AggregateKey => UserId.ToString();
}

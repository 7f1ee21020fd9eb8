using EStore.Contracts.Events;
using EStore.Identity.Data;
using EStore.Identity.Dtos;
using EStore.Platform.Errors;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Sessions: a login starts a family of rotating refresh tokens; each refresh consumes one token and
/// issues the next. Presenting a consumed token again means it was stolen (or the client is broken): the
/// whole family is revoked and the event is logged as a security event. Revoking a session revokes its
/// refresh tokens and publishes <c>TokenRevoked</c> for every access token of it that has not expired,
/// so the gateway and services refuse them too.
/// </summary>
public sealed partial class SessionService
{
    private readonly IdentityDbContext _db;
    private readonly IEventOutbox _outbox;
    private readonly AccessTokenIssuer _issuer;
    private readonly ITokenRevocationList _revocations;
    private readonly IdentitySettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionService> _logger;
    private readonly List<(string TokenId, DateTime ExpiresAt)> _revokedHere = [];

    public SessionService(IdentityDbContext db, IEventOutbox outbox, AccessTokenIssuer issuer, ITokenRevocationList revocations,
        IdentitySettings settings, TimeProvider time, ILogger<SessionService> logger)
    {
        _db = db;
        _outbox = outbox;
        _issuer = issuer;
        _revocations = revocations;
        _settings = settings;
        _time = time;
        _logger = logger;
        // This instance refuses its own revocations at once; the others learn them from the events.
        db.SavedChanges += (_, _) =>
        {
            foreach (var (tokenId, expiresAt) in _revokedHere)
            {
                _revocations.Revoke(tokenId, new DateTimeOffset(expiresAt, TimeSpan.Zero));
            }
            _revokedHere.Clear();
        };
    }

    /// <summary>Starts a session for <paramref name="user"/>: adds its first refresh token (the caller saves).</summary>
    public Task<TokenResponse> StartAsync(User user, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return IssueAsync(user, Guid.CreateVersion7(), now, cancellationToken);
    }

    /// <summary>Exchanges a refresh token for a new pair (rotation).</summary>
    public async Task<Result<TokenResponse>> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        var invalid = Error.BadRequest("The refresh token is invalid, expired or revoked.");
        if (!SecretTokens.IsWellFormed(refreshToken))
        {
            return string.IsNullOrEmpty(refreshToken) ? Error.Validation("refreshToken", "is required.") : invalid;
        }
        var hash = SecretTokens.Hash(refreshToken!);
        var row = await _db.RefreshTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = _time.GetUtcNow().UtcDateTime;
        if (row is null || row.RevokedAt is not null)
        {
            return invalid;
        }
        // Reuse is checked before expiry: a rotated token presented late is still a sign of theft.
        if (row.UsedAt is not null)
        {
            await RevokeReusedFamilyAsync(row, cancellationToken);
            return invalid;
        }
        if (row.ExpiresAt <= now)
        {
            return invalid;
        }
        var user = await _db.Users.SingleOrDefaultAsync(u => u.Id == row.UserId, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            await RevokeAsync(row.UserId, row.FamilyId, "account inactive", cancellationToken);
            await _db.SaveChangesAsync(cancellationToken);
            return invalid;
        }

        await using var transaction = await _db.Database.BeginTransactionAsync(cancellationToken);
        // The claim is atomic: of two concurrent refreshes with one token, exactly one wins.
        var claimed = await _db.RefreshTokens
            .Where(t => t.Id == row.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, (DateTime?)now), cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            await RevokeReusedFamilyAsync(row, cancellationToken);
            return invalid;
        }
        var response = await IssueAsync(user, row.FamilyId, row.SessionStartedAt, cancellationToken);
        await _db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return response;
    }

    /// <summary>
    /// Logs out: revokes the caller's session (the token's <c>sid</c>) or, with <paramref name="everywhere"/>,
    /// every session of the caller, and always the presented access token itself.
    /// </summary>
    public async Task LogoutAsync(CurrentUser caller, bool everywhere, CancellationToken cancellationToken)
    {
        Guid? family = Guid.TryParse(caller.SessionId, out var sid) ? sid : null;
        if (everywhere || family is not null)
        {
            await RevokeAsync(caller.Id, everywhere ? null : family, everywhere ? "logout from every session" : "logout", cancellationToken);
        }
        if (!_revokedHere.Any(r => r.TokenId == caller.TokenId))
        {
            RevokeAccessToken(caller.Id, caller.TokenId, caller.ExpiresAt);
        }
        await _db.SaveChangesAsync(cancellationToken);
        LogLoggedOut(caller.Id, everywhere ? "every session" : $"session {caller.SessionId}");
    }

    /// <summary>
    /// Revokes one session (<paramref name="familyId"/>) or every session of the user (null), except
    /// <paramref name="keepFamilyId"/>; adds the changes and events, the caller saves.
    /// </summary>
    /// <returns>How many access tokens were revoked.</returns>
    public async Task<int> RevokeAsync(Guid userId, Guid? familyId, string reason, CancellationToken cancellationToken, Guid? keepFamilyId = null)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var rows = await _db.RefreshTokens
            .Where(t => t.UserId == userId
                && (familyId == null || t.FamilyId == familyId)
                && (keepFamilyId == null || t.FamilyId != keepFamilyId)
                && (t.RevokedAt == null || (!t.AccessTokenRevoked && t.AccessTokenExpiresAt > now)))
            .ToListAsync(cancellationToken);
        var revoked = 0;
        foreach (var row in rows)
        {
            if (row.RevokedAt is null)
            {
                row.RevokedAt = now;
                row.RevokedReason = reason;
            }
            if (!row.AccessTokenRevoked && row.AccessTokenExpiresAt > now)
            {
                row.AccessTokenRevoked = true;
                AddRevocation(userId, row.AccessTokenId, row.AccessTokenExpiresAt, now);
                revoked++;
            }
        }
        return revoked;
    }

    /// <summary>
    /// Revokes the live access tokens of every session but keeps the refresh tokens: after a role change the
    /// client refreshes and gets a token with the new roles. The caller saves.
    /// </summary>
    public async Task RevokeAccessTokensAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var rows = await _db.RefreshTokens
            .Where(t => t.UserId == userId && !t.AccessTokenRevoked && t.AccessTokenExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            row.AccessTokenRevoked = true;
            AddRevocation(userId, row.AccessTokenId, row.AccessTokenExpiresAt, now);
        }
    }

    /// <summary>Revokes one access token that no session row names (the caller saves).</summary>
    public void RevokeAccessToken(Guid userId, string tokenId, DateTimeOffset expiresAt)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expiresAt.UtcDateTime > now && !_revokedHere.Any(r => r.TokenId == tokenId))
        {
            AddRevocation(userId, tokenId, expiresAt.UtcDateTime, now);
        }
    }

    private void AddRevocation(Guid userId, string tokenId, DateTime expiresAt, DateTime now)
    {
        _outbox.Add(new TokenRevoked(userId, tokenId, new DateTimeOffset(expiresAt, TimeSpan.Zero)) { OccurredAt = new DateTimeOffset(now, TimeSpan.Zero) });
        _revokedHere.Add((tokenId, expiresAt));
    }

    private async Task RevokeReusedFamilyAsync(RefreshToken reused, CancellationToken cancellationToken)
    {
        _db.ChangeTracker.Clear();
        var count = await RevokeAsync(reused.UserId, reused.FamilyId, "refresh token reuse", cancellationToken);
        await _db.SaveChangesAsync(cancellationToken);
        LogReuse(reused.UserId, reused.FamilyId, reused.Id, count);
    }

    private async Task<TokenResponse> IssueAsync(User user, Guid familyId, DateTime sessionStartedAt, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var access = await _issuer.IssueAsync(user, familyId, cancellationToken);
        var refresh = SecretTokens.Create();
        var refreshExpires = Min(now + _settings.RefreshTokenLifetime, sessionStartedAt + _settings.SessionMaxLifetime);
        _db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            FamilyId = familyId,
            TokenHash = SecretTokens.Hash(refresh),
            CreatedAt = now,
            ExpiresAt = refreshExpires,
            SessionStartedAt = sessionStartedAt,
            AccessTokenId = access.TokenId,
            AccessTokenExpiresAt = access.ExpiresAt,
        });
        return new TokenResponse(access.Token, "Bearer", (int)_settings.AccessTokenLifetime.TotalSeconds, refresh, (int)(refreshExpires - now).TotalSeconds);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} logged out of {Scope}")]
    private partial void LogLoggedOut(Guid userId, string scope);

    [LoggerMessage(EventId = 4001, EventName = "SecurityRefreshTokenReuse", Level = LogLevel.Warning,
        Message = "SECURITY: refresh token {TokenRowId} of user {UserId} was presented after rotation; session {FamilyId} revoked ({AccessTokens} access tokens)")]
    private partial void LogReuse(Guid userId, Guid familyId, Guid tokenRowId, int accessTokens);
}

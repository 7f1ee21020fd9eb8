namespace EStore.Notification.Dtos;

/// <summary>One mail as its owner or an administrator sees it (never its bodies: a link may carry a token).</summary>
public sealed record MailDto(
    Guid Id, string Kind, Guid? UserId, string To, string Subject, string Status, int Attempts, string? LastError,
    string? ProviderMessageId, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt);

public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);

/// <summary>
/// The mails a user may turn off; <see cref="AlwaysSent"/> names those they may not (account security and orders).
/// </summary>
public sealed record PreferencesDto(bool Welcome, bool LowStock, bool ShopStatus, IReadOnlyList<string> AlwaysSent);

/// <summary>A change of preferences: members left out keep their value.</summary>
public sealed record PreferencesRequest(bool? Welcome, bool? LowStock, bool? ShopStatus);

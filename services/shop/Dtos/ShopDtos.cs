namespace EStore.Shop.Dtos;

/// <summary>Body of <c>POST /api/shops</c> and <c>PUT /api/shops/{id}</c> (PUT replaces the whole profile).</summary>
public sealed record ShopRequest(
    string? Name,
    string? Description,
    string? Category,
    string? LogoUrl,
    string? ContactEmail,
    string? ContactPhone,
    string? Address,
    string? OpeningHours);

/// <summary>Body of the admin status changes; the reason is optional.</summary>
public sealed record StatusChangeRequest(string? Reason);

/// <summary>
/// A shop as the API shows it. <see cref="OwnerId"/> is set only for the owner and administrators (omitted from
/// public answers); <see cref="ContactEmail"/> is always the address the owner entered, never their login e-mail.
/// </summary>
public sealed record ShopDto(
    Guid Id,
    Guid? OwnerId,
    string Name,
    string Slug,
    string? Description,
    string? Category,
    string? LogoUrl,
    string ContactEmail,
    string? ContactPhone,
    string? Address,
    string? OpeningHours,
    string Status,
    string? StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One page of a list, with the total count for pagination.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);

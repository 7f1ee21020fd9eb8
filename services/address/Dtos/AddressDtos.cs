namespace EStore.Address.Dtos;

/// <summary>
/// Body of <c>POST /api/addresses</c> and <c>PUT /api/addresses/{id}</c> (PUT replaces the whole address). Unknown
/// members, an owner id among them, are ignored: the owner is always the caller.
/// </summary>
public sealed record AddressRequest(
    string? Label,
    string? RecipientName,
    string? Line1,
    string? Line2,
    string? City,
    string? Region,
    string? PostalCode,
    string? Country,
    string? Phone);

/// <summary>
/// An address as stored (normalised). It is also what order-service copies into an order at checkout
/// (<c>GET /api/addresses/{id}</c> with the customer's token): every line a label needs, the owner, and
/// <see cref="UpdatedAt"/> to tell which version it copied.
/// </summary>
public sealed record AddressDto(
    Guid Id,
    Guid UserId,
    string? Label,
    string RecipientName,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string? PostalCode,
    string Country,
    string Phone,
    bool IsDefaultShipping,
    bool IsDefaultBilling,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

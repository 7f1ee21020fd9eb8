namespace EStore.Address.Data;

/// <summary>One entry of a user's address book, stored in its normalised form (see AddressRules).</summary>
public sealed class SavedAddress
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string? Label { get; set; }
    public required string RecipientName { get; set; }
    public required string Line1 { get; set; }
    public string? Line2 { get; set; }
    public required string City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }
    /// <summary>E.164: <c>+</c> and 8 to 15 digits.</summary>
    public required string Phone { get; set; }
    /// <summary>At most one per user: a partial unique index on <c>user_id</c> where this is true.</summary>
    public bool IsDefaultShipping { get; set; }
    /// <summary>At most one per user, like <see cref="IsDefaultShipping"/>.</summary>
    public bool IsDefaultBilling { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>
    /// When it was last used: created, edited, made a default, or read by id by its owner (the checkout snapshot).
    /// Deleting a default promotes the other address used most recently.
    /// </summary>
    public DateTimeOffset LastUsedAt { get; set; }
}

/// <summary>
/// One row per user who has (or had) addresses: the lock every change of the book takes (its <see cref="Version"/>
/// is a concurrency token bumped first in each write, so concurrent writers of one user run one after another, on
/// every instance), and the retention hold after identity-service disabled the user.
/// </summary>
public sealed class AddressBook
{
    public Guid UserId { get; set; }
    public Guid Version { get; set; }
    /// <summary>When identity-service disabled the user (<c>UserDisabled</c>); the addresses are kept but not served.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    /// <summary>When a held book's addresses are erased (DisabledAt plus <c>Addresses:DisabledRetentionDays</c>).</summary>
    public DateTimeOffset? EraseAfter { get; set; }
}

/// <summary>Column sizes, shared by the schema and the validation rules.</summary>
public static class AddressLimits
{
    public const int Label = 40;
    public const int RecipientName = 100;
    public const int Line = 100;
    public const int City = 80;
    public const int Region = 80;
    public const int PostalCode = 16;
    public const int Country = 2;
    /// <summary>A phone number as typed (spaces, dashes, parentheses); stored, it is at most 16 characters.</summary>
    public const int PhoneInput = 32;
    public const int Phone = 16;
}

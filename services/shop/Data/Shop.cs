namespace EStore.Shop.Data;

/// <summary>Where a shop is in its life. Stored as text; the API shows it upper-case.</summary>
public enum ShopState
{
    /// <summary>Waiting for an administrator (only when <c>Shops:RequireApproval</c> is set).</summary>
    Pending,
    /// <summary>Open: visible in the public list and catalog.</summary>
    Active,
    /// <summary>Closed by an administrator until reactivated.</summary>
    Suspended,
}

/// <summary>A shop and its owner's public profile.</summary>
public sealed class Shop
{
    public Guid Id { get; set; }
    public Guid OwnerId { get; set; }
    public required string Name { get; set; }
    /// <summary>Upper-cased name: the unique index that makes names case-insensitively unique on every engine.</summary>
    public required string NormalizedName { get; set; }
    /// <summary>
    /// The name's confusable skeleton (<c>UnicodeText.Skeleton</c>), unique: a name that merely looks like another
    /// (homoglyphs, full-width letters, invisible characters) is refused. Null only for a row written before the
    /// column existed whose skeleton clashes with another shop's (startup fills the rest, see ShopSkeletons).
    /// </summary>
    public string? NameSkeleton { get; set; }
    public required string Slug { get; set; }
    public string? Description { get; set; }
    public string? Category { get; set; }
    public string? NormalizedCategory { get; set; }
    public string? LogoUrl { get; set; }
    public required string ContactEmail { get; set; }
    public string? ContactPhone { get; set; }
    public string? Address { get; set; }
    public string? OpeningHours { get; set; }
    public ShopState Status { get; set; }
    public string? StatusReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

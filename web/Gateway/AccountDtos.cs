namespace EStore.Web.Gateway;

// identity-, address-, payment- and notification-service's answers (their READMEs); only the members the pages read.

public sealed record Me(Guid Id, string Email, string Name, string? Phone, Dictionary<string, string>? Preferences, IReadOnlyList<string> Roles);

public sealed record Address(
    Guid Id,
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
    bool IsDefaultBilling);

public sealed record PaymentMethod(Guid Id, string PaymentType, string Brand, string Last4, int ExpiryMonth, int ExpiryYear, bool IsDefault);

public sealed record NotificationPreferences(bool Welcome, bool LowStock, bool ShopStatus, IReadOnlyList<string> AlwaysSent);

/// <summary>An account as administrators see it (identity-service's <c>/api/users</c>); <c>Status</c> is Active, Disabled or Deactivated.</summary>
public sealed record AdminUser(Guid Id, string Email, string Name, IReadOnlyList<string> Roles, bool EmailVerified, string Status, string? StatusReason);

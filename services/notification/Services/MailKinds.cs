namespace EStore.Notification.Services;

/// <summary>Groups of mails a user may or may not turn off (<c>/api/notifications/preferences</c>).</summary>
public enum MailCategory
{
    /// <summary>Verification and password reset: always sent.</summary>
    AccountSecurity,
    /// <summary>The customer's orders and payments, and a shop's new orders: always sent.</summary>
    Orders,
    /// <summary>The welcome after verification.</summary>
    Welcome,
    /// <summary>Low stock of a shop's product.</summary>
    LowStock,
    /// <summary>A shop approved or suspended.</summary>
    ShopStatus,
}

/// <summary>Every mail the service sends: its template's name (<c>Templates/&lt;kind&gt;.txt</c> and <c>.html</c>) and category.</summary>
public static class MailKinds
{
    public const string VerifyEmail = "verify-email";
    public const string PasswordReset = "password-reset";
    public const string Welcome = "welcome";
    public const string OrderPlaced = "order-placed";
    public const string OrderConfirmed = "order-confirmed";
    public const string OrderCancelled = "order-cancelled";
    public const string OrderShipped = "order-shipped";
    public const string OrderDelivered = "order-delivered";
    public const string PaymentFailed = "payment-failed";
    public const string RefundIssued = "refund-issued";
    public const string ShopNewOrder = "shop-new-order";
    public const string LowStock = "low-stock";
    public const string ShopApproved = "shop-approved";
    public const string ShopSuspended = "shop-suspended";

    /// <summary>Every kind with its category.</summary>
    public static IReadOnlyDictionary<string, MailCategory> All { get; } = new Dictionary<string, MailCategory>(StringComparer.Ordinal)
    {
        [VerifyEmail] = MailCategory.AccountSecurity,
        [PasswordReset] = MailCategory.AccountSecurity,
        [Welcome] = MailCategory.Welcome,
        [OrderPlaced] = MailCategory.Orders,
        [OrderConfirmed] = MailCategory.Orders,
        [OrderCancelled] = MailCategory.Orders,
        [OrderShipped] = MailCategory.Orders,
        [OrderDelivered] = MailCategory.Orders,
        [PaymentFailed] = MailCategory.Orders,
        [RefundIssued] = MailCategory.Orders,
        [ShopNewOrder] = MailCategory.Orders,
        [LowStock] = MailCategory.LowStock,
        [ShopApproved] = MailCategory.ShopStatus,
        [ShopSuspended] = MailCategory.ShopStatus,
    };
}

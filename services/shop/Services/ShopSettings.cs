namespace EStore.Shop.Services;

/// <summary><c>Shops:*</c> configuration.</summary>
public sealed class ShopSettings
{
    /// <summary>When true a new shop starts <c>PENDING</c> until an administrator approves it.</summary>
    public bool RequireApproval { get; set; }
}

using EStore.Platform.Hosting;

namespace EStore.Shop.Services;

/// <summary><c>Shops:*</c> configuration.</summary>
public sealed class ShopOptions : IValidatedOptions
{
    public const string Section = "Shops";

    /// <summary>When true a new shop starts <c>PENDING</c> until an administrator approves it.</summary>
    public bool RequireApproval { get; set; }

    /// <summary>Limit of each call to product-service or identity-service, in seconds.</summary>
    public int DependencyTimeoutSeconds { get; set; } = 3;

    public void Validate(OptionsCheck check) => check.Range(DependencyTimeoutSeconds, 1, 60);
}

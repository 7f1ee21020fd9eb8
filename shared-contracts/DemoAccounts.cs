namespace EStore.Contracts;

/// <summary>One demo login of the local mesh.</summary>
/// <param name="Id">The user id (fixed, so other services' demo data can refer to it).</param>
/// <param name="Email">The login, already verified.</param>
/// <param name="Name">The display name.</param>
/// <param name="Password">The known password (a demo secret, printed by <c>./estore up</c>).</param>
/// <param name="Roles">The roles (identity's role names).</param>
public sealed record DemoAccount(Guid Id, string Email, string Name, string Password, IReadOnlyList<string> Roles);

/// <summary>
/// The demo logins identity-service creates when <c>Demo:SeedData</c> is on (only <c>./estore up</c> sets it;
/// production configuration never does): one per role, so a newcomer can try every part of the store. The shop
/// owner owns the demo shop Summit Outfitters (shop-service's DemoShops). Their passwords are public, like the
/// demo data itself: never turn the setting on for a reachable mesh.
/// </summary>
public static class DemoAccounts
{
    /// <summary>An administrator.</summary>
    public static DemoAccount Admin { get; } = new(new Guid("00000000-0000-4000-c000-0000000000a1"),
        "admin@demo.estore.example", "Demo Administrator", "Lighthouse-Keeper-26", ["admin"]);

    /// <summary>The owner of the demo shop Summit Outfitters.</summary>
    public static DemoAccount ShopOwner { get; } = new(new Guid("00000000-0000-4000-c000-000000000001"),
        "owner@demo.estore.example", "Demo Shop Owner", "Summit-Trail-Map-26", ["customer", "shop_owner"]);

    /// <summary>A customer.</summary>
    public static DemoAccount Shopper { get; } = new(new Guid("00000000-0000-4000-c000-0000000000c1"),
        "shopper@demo.estore.example", "Demo Shopper", "Basket-Of-Plums-26", ["customer"]);

    /// <summary>Every demo login: admin, shop owner, shopper.</summary>
    public static IReadOnlyList<DemoAccount> All { get; } = [Admin, ShopOwner, Shopper];
}

using System.Net;
using System.Text.Json;

namespace EStore.Shop.Tests.Infrastructure;

/// <summary>shop-service with approval required, in a <see cref="ServiceStack{TEntryPoint}"/>.</summary>
public sealed class ShopStack() : ServiceStack<Program>("shop")
{
    public ShopApp Shop => App;

    protected override void Configure(IDictionary<string, string?> settings) => settings["Shops:RequireApproval"] = "true";

    /// <summary>Creates a shop for <paramref name="token"/>'s user and returns it (asserting 201).</summary>
    public async Task<JsonElement> CreateShopAsync(string token, string name, string? category = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/shops", new { name, category, contactEmail = "shop@example.test" }, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class ShopCollection : ICollectionFixture<ShopStack>
{
    public const string Name = "shop";
}

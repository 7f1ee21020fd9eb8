using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Shop.Data;
using EStore.Shop.Tests.Infrastructure;

namespace EStore.Shop.Tests;

/// <summary><c>Demo:SeedData</c>: the launcher's demo shops, seeded once into an empty database and announced.</summary>
[Collection(ShopCollection.Name)]
public sealed class DemoShopTests(ShopStack stack)
{
    [Fact]
    public async Task Demo_shops_are_seeded_active_once_and_announced_with_ShopCreated()
    {
        var database = TestPostgres.NewDatabase("shop_demo");
        var settings = ShopApp.Settings(stack.Broker.BootstrapServers, database, stack.Tokens.JwksUrl);
        // Even where new shops wait for approval, the demo shops are open.
        settings["Shops:RequireApproval"] = "true";
        settings["Demo:SeedData"] = "true";
        try
        {
            await using (var shop = ShopApp.Start(settings))
            {
                var page = await shop.Http.GetFromJsonAsync<JsonElement>("/api/shops");
                Assert.Equal(
                    [
                        $"{DemoShops.DailyGrindKitchen} Daily Grind Kitchen Kitchen ACTIVE",
                        $"{DemoShops.SummitOutfitters} Summit Outfitters Outdoor ACTIVE",
                        $"{DemoShops.VoltElectronics} Volt Electronics Electronics ACTIVE",
                    ],
                    Describe(page));
                // Each has its own owner, which only an administrator sees: public answers carry no owner id. Summit
                // Outfitters belongs to identity-service's demo shop owner, the others to made-up users.
                Assert.All(page.GetProperty("items").EnumerateArray(), s => Assert.False(s.TryGetProperty("ownerId", out _)));
                var owners = new Dictionary<Guid, Guid>();
                foreach (var id in new[] { DemoShops.SummitOutfitters, DemoShops.DailyGrindKitchen, DemoShops.VoltElectronics })
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/shops/{id}");
                    request.Headers.Authorization = new("Bearer", stack.Admin);
                    using var response = await shop.Http.SendAsync(request);
                    owners[id] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ownerId").GetGuid();
                }
                Assert.Equal(3, owners.Values.Distinct().Count());
                Assert.Equal(DemoAccounts.ShopOwner.Id, owners[DemoShops.SummitOutfitters]);

                // Consumed while the service runs: its outbox relay publishes the seeded events.
                var announced = stack.ConsumeEvent<ShopCreated>(e => e.ShopId == DemoShops.VoltElectronics, TimeSpan.FromSeconds(30));
                Assert.Equal("Volt Electronics", announced.Name);
                Assert.Equal(ShopStatus.Active, announced.Status);
            }

            // A restart finds shops and seeds nothing more.
            await using (var restarted = ShopApp.Start(settings))
            {
                var page = await restarted.Http.GetFromJsonAsync<JsonElement>("/api/shops");
                Assert.Equal(3, page.GetProperty("total").GetInt32());
            }
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    [Fact]
    public async Task Without_Demo_SeedData_a_new_database_has_no_shops()
    {
        var database = TestPostgres.NewDatabase("shop_plain");
        var settings = ShopApp.Settings(stack.Broker.BootstrapServers, database, stack.Tokens.JwksUrl);
        try
        {
            await using var shop = ShopApp.Start(settings);
            var page = await shop.Http.GetFromJsonAsync<JsonElement>("/api/shops");
            Assert.Equal(0, page.GetProperty("total").GetInt32());
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    private static List<string> Describe(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(s =>
            $"{s.GetProperty("id").GetGuid()} {s.GetProperty("name").GetString()} {s.GetProperty("category").GetString()} {s.GetProperty("status").GetString()}")];
}

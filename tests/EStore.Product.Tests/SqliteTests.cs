using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;
using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using EStore.Product.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Product.Tests;

/// <summary>
/// The launcher's setup: a SQLite file, the mock broker and the demo catalog; decimal filters and sorts must work
/// there too. Without <c>Demo:SeedData</c> (production) nothing is seeded.
/// </summary>
public sealed class SqliteTests
{
    [Fact]
    public async Task The_seeded_catalog_filters_and_sorts_on_sqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"product-{Guid.NewGuid():N}.db");
        await using var broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        await using var tokens = await TestTokens.StartAsync();
        var settings = ProductApp.Settings(broker.BootstrapServers, $"Data Source={file}", tokens.JwksUrl);
        settings["Database:Provider"] = "Sqlite";
        settings["Demo:SeedData"] = "true";
        settings["Feeds:CredentialKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        try
        {
            await using var product = ProductApp.Start(settings);
            using var response = await product.Http.GetAsync("/api/products?inStock=true&minPrice=20&maxPrice=80&sort=-price");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            var names = System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Equal(["Headlamp 400", "USB-C Charger 65W", "Espresso Beans 1kg"], names);

            using var newest = await product.Http.GetAsync("/api/products?sort=newest&size=1");
            var newestText = await newest.Content.ReadAsStringAsync();
            Assert.True(newest.IsSuccessStatusCode, newestText);
            Assert.Contains("USB-C Charger 65W", newestText, StringComparison.Ordinal);

            // No full-text index on SQLite: every word as a substring, name matches ranked before description matches.
            using var search = await product.Http.GetAsync("/api/products?q=CHARGE");
            var searchText = await search.Content.ReadAsStringAsync();
            Assert.True(search.IsSuccessStatusCode, searchText);
            var found = System.Text.Json.JsonDocument.Parse(searchText).RootElement.GetProperty("items").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Equal(["USB-C Charger 65W", "Headlamp 400"], found);

            // The shop-name filter is case-insensitive on SQLite as well.
            using var byShop = await product.Http.GetAsync("/api/products?shopName=ELECTRONICS&sort=-price");
            var byShopText = await byShop.Content.ReadAsStringAsync();
            Assert.True(byShop.IsSuccessStatusCode, byShopText);
            var sold = System.Text.Json.JsonDocument.Parse(byShopText).RootElement.GetProperty("items").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString()).ToList();
            Assert.Equal(["Noise-Cancelling Headphones", "USB-C Charger 65W"], sold);

            await ReportWorksOnSqliteAsync(product, tokens);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Without_Demo_SeedData_a_new_database_starts_empty()
    {
        var file = Path.Combine(Path.GetTempPath(), $"product-{Guid.NewGuid():N}.db");
        await using var broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        await using var tokens = await TestTokens.StartAsync();
        var settings = ProductApp.Settings(broker.BootstrapServers, $"Data Source={file}", tokens.JwksUrl);
        settings["Database:Provider"] = "Sqlite";
        settings["Demo:SeedData"] = "false";
        settings["Feeds:CredentialKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        try
        {
            await using var product = ProductApp.Start(settings);
            var page = await product.Http.GetFromJsonAsync<JsonElement>("/api/products");
            Assert.Equal(0, page.GetProperty("total").GetInt32());
            Assert.Equal(0, (await product.Http.GetFromJsonAsync<JsonElement>("/api/categories")).GetArrayLength());
            await using var scope = product.Services.CreateAsyncScope();
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ProductDbContext>().Shops.CountAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("True", true)]
    [InlineData(" true ", true)]
    public void Demo_SeedData_is_off_unless_set_to_true(string? value, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DemoData.SeedDataKey] = value }).Build();

        Assert.Equal(expected, DemoData.IsEnabled(configuration));
    }

    [Fact]
    public void A_malformed_Demo_SeedData_stops_startup_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo:SeedData"] = "yes please" }).Build();

        var error = Assert.Throws<StartupConfigurationException>(() => DemoData.IsEnabled(configuration));

        Assert.Equal("Demo:SeedData", error.Key);
        Assert.Equal("Demo:SeedData: 'yes please' is not true or false.", error.Message);
    }

    // The report's time windows compare ledger times, stored as integers on SQLite.
    private static async Task ReportWorksOnSqliteAsync(ProductApp product, TestTokens tokens)
    {
        var shopId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = product.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            db.Shops.Add(new ShopRecord { Id = shopId, OwnerId = Guid.NewGuid(), Name = "Local shop", NormalizedName = "LOCAL SHOP" });
            await db.SaveChangesAsync();
        }
        using var http = new HttpClient { BaseAddress = product.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.Admin]));
        using var created = await http.PostAsJsonAsync("/api/products", new
        {
            shopId,
            categoryId = "00000000-0000-4000-9000-000000000005",
            name = "Local mug",
            price = 5m,
            variants = new[] { new { sku = "LOCAL-1", stock = 9, lowStockThreshold = 2 } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var variantId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("variants")[0].GetProperty("id").GetGuid();
        await using (var scope = product.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProductDbContext>();
            db.StockMovements.AddRange(
                new StockMovement { VariantId = variantId, Kind = StockMovementKind.Sale, Delta = -3, StockAfter = 9, Reason = "order", At = now.AddDays(-2) },
                new StockMovement { VariantId = variantId, Kind = StockMovementKind.Sale, Delta = -5, StockAfter = 9, Reason = "order", At = now.AddDays(-45) });
            await db.SaveChangesAsync();
        }

        var row = (await http.GetFromJsonAsync<JsonElement>($"/api/inventory/report?shopId={shopId}")).GetProperty("items")[0];
        Assert.Equal(3, row.GetProperty("soldLast7Days").GetInt32());
        Assert.Equal(3, row.GetProperty("soldLast30Days").GetInt32());
        Assert.Equal(90m, row.GetProperty("daysOfCover").GetDecimal());
        var summary = await http.GetStringAsync($"/api/inventory/summary?shopId={shopId}");
        Assert.Equal($$"""{"shopId":"{{shopId}}","products":1,"variants":1,"lowStock":0,"outOfStock":0}""", summary);
    }
}

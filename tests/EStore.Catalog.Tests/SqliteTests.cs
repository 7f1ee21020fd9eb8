using EStore.Mesh;

namespace EStore.Catalog.Tests;

/// <summary>The launcher's setup: a SQLite file and the mock broker; decimal filters and sorts must work there too.</summary>
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
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}

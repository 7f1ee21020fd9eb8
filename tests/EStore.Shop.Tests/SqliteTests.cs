using System.Net;
using EStore.Mesh;
using EStore.Platform.Security;

namespace EStore.Shop.Tests;

/// <summary>The launcher's setup: SQLite file and mock broker, approval off (shops start ACTIVE).</summary>
public sealed class SqliteTests
{
    [Fact]
    public async Task Runs_on_sqlite_and_creates_active_shops()
    {
        var file = Path.Combine(Path.GetTempPath(), $"shop-{Guid.NewGuid():N}.db");
        await using var broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        await using var tokens = await TestTokens.StartAsync();
        var settings = ShopApp.Settings(broker.BootstrapServers, $"Data Source={file}", tokens.JwksUrl);
        settings["Database:Provider"] = "Sqlite";
        try
        {
            await using var shop = ShopApp.Start(settings);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/shops")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = "Sqlite Shop", contactEmail = "s@example.test" }),
            };
            var ownerToken = tokens.For(Guid.NewGuid(), [UserRoles.Customer]);
            request.Headers.Authorization = new("Bearer", ownerToken);
            using var created = await shop.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Contains("\"status\":\"ACTIVE\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var request2 = new HttpRequestMessage(HttpMethod.Post, "/api/shops")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = "SQLITE SHOP", contactEmail = "s@example.test" }),
            };
            request2.Headers.Authorization = new("Bearer", tokens.For(Guid.NewGuid(), [UserRoles.Customer]));
            using var clash = await shop.Http.SendAsync(request2);
            await clash.AssertProblemAsync(HttpStatusCode.Conflict);

            using var list = await shop.Http.GetAsync("/api/shops?q=sqlite");
            Assert.Contains("\"total\":1", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            using var mineRequest = new HttpRequestMessage(HttpMethod.Get, "/api/shops/mine");
            mineRequest.Headers.Authorization = new("Bearer", ownerToken);
            using var mine = await shop.Http.SendAsync(mineRequest);
            Assert.Contains("Sqlite Shop", await mine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}

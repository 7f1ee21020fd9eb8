using System.Net;
using EStore.Cart.Data;
using EStore.Cart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Cart.Tests;

/// <summary>The launcher's zero-setup run: cart-service on a SQLite file, schema from the model.</summary>
[Collection(CartCollection.Name)]
public sealed class SqliteTests(CartStack stack)
{
    [Fact]
    public async Task Runs_on_sqlite_with_lines_guest_carts_and_the_sweep()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cart-{Guid.NewGuid():N}.db");
        try
        {
            await using var cart = stack.StartInstance(overrides: new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Default"] = $"Data Source={file}",
            });
            var (_, token) = stack.Customer();
            var variant = await stack.NewVariantAsync(price: 2.50m);
            var carts = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/carts", null, token, via: cart.Http);
            var id = carts.EnumerateArray().Single().GetProperty("id").GetGuid();
            await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{id}/items", new { variantId = variant, quantity = 2 }, token, via: cart.Http);
            var read = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"/api/carts/{id}/items", new { variantId = variant, quantity = 1 }, token, via: cart.Http);
            Assert.Equal(7.50m, Assert.Single(read.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetDecimal());

            using var created = await stack.SendWithCartTokenAsync(HttpMethod.Post, "/api/carts/guest", null, null, null, cart.Http);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var guestToken = Assert.Single(created.Headers.GetValues("X-Cart-Token"));
            await using (var scope = cart.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CartDbContext>();
                var old = DateTimeOffset.UtcNow.AddDays(-31);
                Assert.Equal(1, await db.Carts.Where(c => c.OwnerId == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, old)));
            }
            await Eventually.TrueAsync(async () =>
            {
                await using var scope = cart.Services.CreateAsyncScope();
                return !await scope.ServiceProvider.GetRequiredService<CartDbContext>().Carts.AnyAsync(c => c.OwnerId == null);
            }, "the sweep to delete the expired guest cart on SQLite", TimeSpan.FromSeconds(30));
            using var gone = await stack.SendWithCartTokenAsync(HttpMethod.Get, "/api/carts/guest", null, null, guestToken, cart.Http);
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}

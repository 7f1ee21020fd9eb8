using System.Net;
using EStore.Contracts.Events;
using EStore.Order.Data;
using EStore.Order.Services;
using EStore.Order.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Order.Tests;

/// <summary>The launcher's zero-setup run: order-service on a SQLite file, schema from the model.</summary>
[Collection(OrderCollection.Name)]
public sealed class SqliteTests(OrderStack stack)
{
    [Fact]
    public async Task Runs_on_sqlite_with_the_timeout_sweep_the_dated_list_and_the_ownership_check()
    {
        var file = Path.Combine(Path.GetTempPath(), $"order-{Guid.NewGuid():N}.db");
        try
        {
            await using var order = stack.StartInstance(new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Default"] = $"Data Source={file}",
                // The PostgreSQL instance handles the stack's events; this one only serves and sweeps.
                ["Messaging:Consumer:Enabled"] = "false",
            });
            var user = Guid.NewGuid();
            var stale = await stack.SeedCheckoutAsync(user, shops: 2, age: TimeSpan.FromMinutes(20), services: order.Services);
            var fresh = await stack.SeedCheckoutAsync(user, age: TimeSpan.FromMinutes(1), services: order.Services);

            Assert.Equal(1, await order.Services.GetRequiredService<CheckoutTimeoutSweep>().SweepAsync(CancellationToken.None));

            var token = stack.Tokens.For(user, ["customer"]);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders?status=CANCELLED&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await order.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var page = System.Text.Json.JsonDocument.Parse(text).RootElement;
            Assert.Equal(2, page.GetProperty("total").GetInt32());
            Assert.All(page.GetProperty("items").EnumerateArray(), o => Assert.Equal(stale.Id, o.GetProperty("checkoutId").GetGuid()));

            using var other = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{fresh.Id}");
            other.Headers.Authorization = new("Bearer", stack.Tokens.For(Guid.NewGuid(), ["customer"]));
            using var notYours = await order.Http.SendAsync(other);
            Assert.Equal(HttpStatusCode.NotFound, notYours.StatusCode);
            await using var scope = order.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrderDbContext>();
            Assert.Equal(OrderStatus.Pending, (await db.Checkouts.SingleAsync(c => c.Id == fresh.Id)).Status);
            Assert.Contains(await db.Set<EStore.Platform.Messaging.OutboxMessage>().Select(m => m.EventType).ToListAsync(), t => t == nameof(OrderCancelled));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}

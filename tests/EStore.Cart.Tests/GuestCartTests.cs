using System.Net;
using EStore.Cart.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Cart.Tests;

/// <summary>Guest carts: an opaque token instead of a login, merge into the user's default cart, 30-day expiry.</summary>
[Collection(CartCollection.Name)]
public sealed class GuestCartTests(CartStack stack)
{
    private const string Guest = "/api/carts/guest";

    private async Task<(Guid Id, string Token)> NewGuestCartAsync()
    {
        using var response = await stack.SendAsync(HttpMethod.Post, Guest, null, null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = Assert.Single(response.Headers.GetValues("X-Cart-Token"));
        var cart = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(cart.GetProperty("guest").GetBoolean());
        return (cart.GetProperty("id").GetGuid(), token);
    }

    [Fact]
    public async Task An_anonymous_shopper_fills_a_guest_cart_that_only_its_token_reaches()
    {
        var (id, token) = await NewGuestCartAsync();
        var variant = await stack.NewVariantAsync(price: 3m);

        await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"{Guest}/items", new { variantId = variant, quantity = 2 }, null, token);
        await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Put, $"{Guest}/items/{variant}", new { quantity = 3 }, null, token);
        var read = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, Guest, null, null, token);

        Assert.Equal(id, read.GetProperty("id").GetGuid());
        Assert.Equal(9m, Assert.Single(read.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetDecimal());
        // The token is stored only as a hash.
        Assert.False(await stack.WithCartDbAsync(db => db.Carts.AnyAsync(c => c.GuestTokenHash == token)));
        var (_, otherToken) = await NewGuestCartAsync();
        var other = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, Guest, null, null, otherToken);
        Assert.NotEqual(id, other.GetProperty("id").GetGuid());
        foreach (var wrong in new[] { otherToken, token + "x" })
        {
            // Another guest's token reaches its own (empty) cart, a forged one none: this line is never touched.
            using var change = await stack.SendWithCartTokenAsync(HttpMethod.Delete, $"{Guest}/items/{variant}", null, null, wrong);
            await change.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var noToken = await stack.SendAsync(HttpMethod.Get, Guest, null, null))
        {
            await noToken.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        using (var unknown = await stack.SendWithCartTokenAsync(HttpMethod.Get, Guest, null, null, "not-a-token"))
        {
            await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        // A guest cart is nobody's: a signed-in user cannot reach it by id.
        var (_, user) = stack.Customer();
        using (var byId = await stack.SendAsync(HttpMethod.Get, $"/api/carts/{id}", null, user))
        {
            await byId.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 3 }, await stack.LinesInDatabaseAsync(id));

        await stack.SendExpectingAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"{Guest}/items", null, null, token);
        Assert.Empty(await stack.LinesInDatabaseAsync(id));
    }

    [Fact]
    public async Task After_login_merge_adds_the_guest_lines_to_the_default_cart_within_the_limits_and_ends_the_guest_cart()
    {
        var (guestId, token) = await NewGuestCartAsync();
        var (_, variants) = await stack.NewProductAsync(variants: 3, stock: 500);
        var (_, user) = stack.Customer();
        var mine = await stack.DefaultCartAsync(user);
        await stack.AddAsync(mine, user, variants[0], 2);
        await stack.AddAsync(mine, user, variants[1], 90);
        foreach (var (variant, quantity) in new[] { (variants[0], 3), (variants[1], 20), (variants[2], 1) })
        {
            await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"{Guest}/items", new { variantId = variant, quantity }, null, token);
        }

        var merged = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, "/api/carts/merge", null, user, token);

        Assert.Equal(mine, merged.GetProperty("id").GetGuid());
        // Quantities add up, capped at 99 per line.
        Assert.Equal(new Dictionary<Guid, int> { [variants[0]] = 5, [variants[1]] = 99, [variants[2]] = 1 }, await stack.LinesInDatabaseAsync(mine));
        Assert.False(await stack.WithCartDbAsync(db => db.Carts.AnyAsync(c => c.Id == guestId)));
        using var again = await stack.SendAsync(HttpMethod.Post, "/api/carts/merge", null, user);
        await again.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var spent = await stack.SendWithCartTokenAsync(HttpMethod.Post, "/api/carts/merge", null, user, token);
        await spent.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_merge_that_would_exceed_the_line_limit_changes_nothing()
    {
        var (guestId, token) = await NewGuestCartAsync();
        var (_, variants) = await stack.NewProductAsync(variants: CartStack.MaxLines + 1);
        var (_, user) = stack.Customer();
        var mine = await stack.DefaultCartAsync(user);
        await stack.AddAsync(mine, user, variants[0]);
        foreach (var variant in variants.Skip(1))
        {
            await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"{Guest}/items", new { variantId = variant, quantity = 1 }, null, token);
        }

        using var response = await stack.SendWithCartTokenAsync(HttpMethod.Post, "/api/carts/merge", null, user, token);

        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal([variants[0]], (await stack.LinesInDatabaseAsync(mine)).Keys);
        Assert.Equal(CartStack.MaxLines, (await stack.LinesInDatabaseAsync(guestId)).Count);
    }

    [Fact]
    public async Task A_guest_cart_untouched_for_30_days_is_gone_and_swept_while_a_younger_one_stays()
    {
        var (old, oldToken) = await NewGuestCartAsync();
        var (young, youngToken) = await NewGuestCartAsync();
        var variant = await stack.NewVariantAsync();
        await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Post, $"{Guest}/items", new { variantId = variant, quantity = 1 }, null, oldToken);
        var now = DateTimeOffset.UtcNow;
        await stack.WithCartDbAsync(db => db.Carts.Where(c => c.Id == old).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now.AddDays(-30).AddMinutes(-1))));
        await stack.WithCartDbAsync(db => db.Carts.Where(c => c.Id == young).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now.AddDays(-29))));

        // The sweep runs every second here.
        await Eventually.TrueAsync(() => stack.WithCartDbAsync(async db => !await db.Carts.AnyAsync(c => c.Id == old)), "the sweep to delete the expired guest cart", TimeSpan.FromSeconds(30));
        using (var expired = await stack.SendWithCartTokenAsync(HttpMethod.Get, Guest, null, null, oldToken))
        {
            await expired.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Empty(await stack.LinesInDatabaseAsync(old));
        await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Get, Guest, null, null, youngToken);
    }
}

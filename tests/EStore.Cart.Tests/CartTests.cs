using System.Net;
using EStore.Cart.Tests.Infrastructure;
using static EStore.Cart.Tests.Infrastructure.CartHelpers;

namespace EStore.Cart.Tests;

/// <summary>Named carts: the default one, create, rename, delete, the per-user limit, and who may see and change them.</summary>
[Collection(CartCollection.Name)]
public sealed class CartTests(CartStack stack)
{
    [Fact]
    public async Task First_use_makes_one_default_Shopping_cart_even_when_two_requests_race()
    {
        var (_, token) = stack.Customer();

        await Task.WhenAll(stack.GetAsync("/api/carts", token), stack.GetAsync("/api/carts", token));
        var carts = await stack.GetAsync("/api/carts", token);

        var only = Assert.Single(carts.EnumerateArray());
        Assert.Equal("Shopping cart", only.GetProperty("name").GetString());
        Assert.True(only.GetProperty("isDefault").GetBoolean());
        Assert.Equal(0, only.GetProperty("items").GetInt32());
    }

    [Fact]
    public async Task Carts_are_created_renamed_and_deleted_but_the_default_cart_stays()
    {
        var (_, token) = stack.Customer();
        var created = await stack.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts", new { name = "  Birthday   gifts " }, token);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Birthday gifts", created.GetProperty("name").GetString());
        Assert.False(created.GetProperty("isDefault").GetBoolean());

        var renamed = await stack.SendExpectingAsync(HttpStatusCode.OK, HttpMethod.Put, $"/api/carts/{id}", new { name = "Wishlist" }, token);
        Assert.Equal("Wishlist", renamed.GetProperty("name").GetString());
        Assert.Equal(["Shopping cart", "Wishlist"], (await stack.GetAsync("/api/carts", token)).EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        await stack.SendExpectingAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"/api/carts/{id}", null, token);
        var defaultCart = await stack.DefaultCartAsync(token);
        using var refused = await stack.SendAsync(HttpMethod.Delete, $"/api/carts/{defaultCart}", null, token);
        await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([defaultCart], (await stack.GetAsync("/api/carts", token)).EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_user_has_at_most_20_carts_the_default_one_included()
    {
        var (_, token) = stack.Customer();
        for (var i = 1; i < 20; i++)
        {
            await stack.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts", new { name = $"Cart {i}" }, token);
        }

        using var response = await stack.SendAsync(HttpMethod.Post, "/api/carts", new { name = "One too many" }, token);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("20", problem.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(20, (await stack.GetAsync("/api/carts", token)).GetArrayLength());
    }

    [Fact]
    public async Task Another_users_cart_answers_404_on_every_endpoint_and_an_admin_reads_it_but_cannot_change_it()
    {
        var (_, owner) = stack.Customer();
        var (_, stranger) = stack.Customer();
        var variant = await stack.NewVariantAsync();
        var cart = await stack.DefaultCartAsync(owner);
        await stack.AddAsync(cart, owner, variant, 2);
        var missing = Guid.NewGuid();

        foreach (var (method, path, body) in Changes(cart, variant))
        {
            using var byStranger = await stack.SendAsync(method, path, body, stranger);
            var hidden = await byStranger.AssertProblemAsync(HttpStatusCode.NotFound);
            // Exactly the answer for a cart that does not exist: no hint that this one does.
            using var forMissing = await stack.SendAsync(method, path.Replace(cart.ToString(), missing.ToString(), StringComparison.Ordinal), body, stranger);
            var absent = await forMissing.AssertProblemAsync(HttpStatusCode.NotFound);
            Assert.Equal(absent.GetProperty("detail").GetString()!.Replace(missing.ToString(), "", StringComparison.Ordinal),
                hidden.GetProperty("detail").GetString()!.Replace(cart.ToString(), "", StringComparison.Ordinal));

            using var byAdmin = await stack.SendAsync(method, path, body, stack.Admin);
            if (method == HttpMethod.Get)
            {
                Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
            }
            else
            {
                await byAdmin.AssertProblemAsync(HttpStatusCode.Forbidden);
            }

            using var anonymous = await stack.SendAsync(method, path, body, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Nothing changed: the owner's cart is as it was.
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 2 }, await stack.LinesInDatabaseAsync(cart));
        Assert.Equal("Shopping cart", (await stack.GetAsync($"/api/carts/{cart}", owner)).GetProperty("name").GetString());
        Assert.DoesNotContain(cart, (await stack.GetAsync("/api/carts", stranger)).EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task An_admin_lists_another_users_carts_and_a_customer_cannot()
    {
        var (owner, ownerToken) = stack.Customer();
        var (_, stranger) = stack.Customer();
        var cart = await stack.DefaultCartAsync(ownerToken);

        var listed = await stack.GetAsync($"/api/carts?userId={owner}", stack.Admin);
        using var byStranger = await stack.SendAsync(HttpMethod.Get, $"/api/carts?userId={owner}", null, stranger);
        using var malformed = await stack.SendAsync(HttpMethod.Get, "/api/carts?userId=not-a-uuid", null, stack.Admin);

        Assert.Equal([cart], listed.EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        await byStranger.AssertProblemAsync(HttpStatusCode.Forbidden);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        // Listing for support makes nothing: a user who never used carts has none.
        Assert.Empty((await stack.GetAsync($"/api/carts?userId={Guid.NewGuid()}", stack.Admin)).EnumerateArray());
    }

    // Every endpoint on one cart, reads first; DELETE of the cart last.
    private static (HttpMethod, string, object?)[] Changes(Guid cart, Guid variant) =>
    [
        (HttpMethod.Get, $"/api/carts/{cart}", null),
        (HttpMethod.Put, $"/api/carts/{cart}", new { name = "Mine now" }),
        (HttpMethod.Post, $"/api/carts/{cart}/items", new { variantId = variant, quantity = 1 }),
        (HttpMethod.Put, $"/api/carts/{cart}/items/{variant}", new { quantity = 5 }),
        (HttpMethod.Delete, $"/api/carts/{cart}/items/{variant}", null),
        (HttpMethod.Delete, $"/api/carts/{cart}/items", null),
        (HttpMethod.Delete, $"/api/carts/{cart}", null),
    ];

    public static TheoryData<string, string, string?, HttpStatusCode> BadInput => new()
    {
        { "POST", "/api/carts", "{\"name\": ", HttpStatusCode.BadRequest },
        { "POST", "/api/carts", "{\"name\": 42}", HttpStatusCode.BadRequest },
        { "POST", "/api/carts", "", HttpStatusCode.BadRequest },
        { "POST", "/api/carts", "{}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts", "{\"name\": \"   \"}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts", $"{{\"name\": \"{new string('x', 101)}\"}}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts", "{\"name\": \"evil\\u202Ename\"}", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/carts/{cart}", $"{{\"name\": \"{new string('x', 101)}\"}}", HttpStatusCode.UnprocessableEntity },
        { "GET", "/api/carts/not-a-uuid", null, HttpStatusCode.NotFound },
        { "POST", "/api/carts/not-a-uuid/items", "{\"variantId\": \"{variant}\", \"quantity\": 1}", HttpStatusCode.NotFound },
        { "POST", "/api/carts/{cart}/items", "", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", null, HttpStatusCode.BadRequest },
        { "PUT", "/api/carts/{cart}/items/{variant}", null, HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "not json", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"not-a-uuid\", \"quantity\": 1}", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": \"two\"}", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": 1.5}", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": 99999999999}", HttpStatusCode.BadRequest },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": 0}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": -3}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts/{cart}/items", "{\"variantId\": \"{variant}\", \"quantity\": 100}", HttpStatusCode.UnprocessableEntity },
        { "POST", "/api/carts/{cart}/items", "{\"quantity\": 1}", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/carts/{cart}/items/{variant}", "{\"quantity\": 0}", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/carts/{cart}/items/{variant}", "{\"quantity\": 1000}", HttpStatusCode.UnprocessableEntity },
        { "PUT", "/api/carts/{cart}/items/{variant}", "[]", HttpStatusCode.BadRequest },
        { "PUT", "/api/carts/{cart}/items/not-a-uuid", "{\"quantity\": 1}", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_gets_a_clear_problem_and_changes_nothing(string method, string path, string? body, HttpStatusCode expected)
    {
        var (_, token) = stack.Customer();
        var variant = await stack.NewVariantAsync();
        var cart = await stack.DefaultCartAsync(token);
        await stack.AddAsync(cart, token, variant, 2);
        var before = await stack.GetAsync("/api/carts", token);
        string Fill(string text) => text.Replace("{cart}", cart.ToString(), StringComparison.Ordinal).Replace("{variant}", variant.ToString(), StringComparison.Ordinal);

        using var response = await stack.SendAsync(new HttpMethod(method), Fill(path), body is null ? null : Json(Fill(body)), token);

        var problem = await response.AssertProblemAsync(expected);
        if (expected == HttpStatusCode.UnprocessableEntity)
        {
            Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
        }
        Assert.Equal(new Dictionary<Guid, int> { [variant] = 2 }, await stack.LinesInDatabaseAsync(cart));
        Assert.Equal(before.ToString(), (await stack.GetAsync("/api/carts", token)).ToString());
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        var (_, token) = stack.Customer();

        var created = await stack.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts",
            Json("{\"name\": \"Extra\", \"isDefault\": true, \"ownerId\": \"" + Guid.NewGuid() + "\"}"), token);

        Assert.False(created.GetProperty("isDefault").GetBoolean());
        Assert.Single((await stack.GetAsync("/api/carts", token)).EnumerateArray(), c => c.GetProperty("isDefault").GetBoolean());
    }
}

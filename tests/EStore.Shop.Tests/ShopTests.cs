using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Platform.Security;
using EStore.Shop.Tests.Infrastructure;

namespace EStore.Shop.Tests;

/// <summary>shop-service end to end in one process: registration, the directory, ownership and moderation.</summary>
[Collection(ShopCollection.Name)]
public sealed class ShopTests(ShopStack stack)
{
    private string NewCustomer(out Guid id)
    {
        id = Guid.NewGuid();
        return stack.Tokens.For(id, [UserRoles.Customer]);
    }

    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task Creating_a_shop_makes_it_pending_and_publishes_ShopCreated()
    {
        var token = NewCustomer(out var owner);
        var name = Unique("Café Élan");
        var shop = await stack.CreateShopAsync(token, name, "Food");

        Assert.Equal("PENDING", shop.GetProperty("status").GetString());
        Assert.Equal(owner, shop.GetProperty("ownerId").GetGuid());
        Assert.StartsWith("cafe-elan-", shop.GetProperty("slug").GetString(), StringComparison.Ordinal);
        var id = shop.GetProperty("id").GetGuid();

        var created = stack.ConsumeEvent<ShopCreated>(e => e.ShopId == id, TimeSpan.FromSeconds(30));
        Assert.Equal(owner, created.OwnerId);
        Assert.Equal(name, created.Name);
        Assert.Equal("shop@example.test", created.ContactEmail);
        // product-service keeps a pending shop's products out of the catalog until it is approved.
        Assert.Equal(ShopStatus.Pending, created.Status);

        using var mine = await stack.SendAsync(HttpMethod.Get, "/api/shops/mine", null, token);
        var mineList = await mine.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, Assert.Single(mineList.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_pending_shop_is_hidden_from_the_public_until_approved_and_suspension_hides_it_again()
    {
        var token = NewCustomer(out _);
        var name = Unique("Moderated");
        var id = (await stack.CreateShopAsync(token, name)).GetProperty("id").GetGuid();

        using (var anonymous = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{id}", null, null))
        {
            await anonymous.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var own = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{id}", null, token))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        using (var byCustomer = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/approve", null, token))
        {
            await byCustomer.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var approve = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/approve", null, stack.Admin))
        {
            Assert.Equal("ACTIVE", (await approve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        using (var again = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/approve", null, stack.Admin))
        {
            await again.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Equal(1, await CountAsync($"/api/shops?q={Uri.EscapeDataString(name)}"));
        Assert.Null(stack.ConsumeEvent<ShopStatusChanged>(e => e.ShopId == id && e.Status == ShopStatus.Active, TimeSpan.FromSeconds(30)).Reason);

        using (var suspend = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/suspend", new { reason = "Complaints" }, stack.Admin))
        {
            var body = await suspend.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("SUSPENDED", body.GetProperty("status").GetString());
            Assert.Equal("Complaints", body.GetProperty("statusReason").GetString());
        }
        Assert.Equal(0, await CountAsync($"/api/shops?q={Uri.EscapeDataString(name)}"));
        var suspended = stack.ConsumeEvent<ShopStatusChanged>(e => e.ShopId == id && e.Status == ShopStatus.Suspended, TimeSpan.FromSeconds(30));
        Assert.Equal("Complaints", suspended.Reason);

        using (var reactivate = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/reactivate", null, stack.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, reactivate.StatusCode);
        }
        Assert.Equal(1, await CountAsync($"/api/shops?q={Uri.EscapeDataString(name)}"));
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_can_edit_a_shop()
    {
        var ownerToken = NewCustomer(out var owner);
        var otherToken = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer, UserRoles.ShopOwner]);
        var name = Unique("Owned");
        var id = (await stack.CreateShopAsync(ownerToken, name)).GetProperty("id").GetGuid();
        var update = new { name = name + " Renamed", contactEmail = "new@example.test", openingHours = "Mon-Fri 9-18", contactPhone = "+49 30 123456" };

        using (var byOther = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{id}", update, otherToken))
        {
            await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var anonymous = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{id}", update, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var byOwner = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{id}", update, ownerToken))
        {
            var body = await byOwner.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
            Assert.Equal(name + " Renamed", body.GetProperty("name").GetString());
            Assert.EndsWith("-renamed", body.GetProperty("slug").GetString(), StringComparison.Ordinal);
            Assert.Equal("Mon-Fri 9-18", body.GetProperty("openingHours").GetString());
        }
        // The event names the owner, so a consumer that missed ShopCreated can still keep a copy of the shop.
        var updated = stack.ConsumeEvent<ShopUpdated>(e => e.ShopId == id, TimeSpan.FromSeconds(30));
        Assert.Equal(owner, updated.OwnerId);
        Assert.Equal("new@example.test", updated.ContactEmail);
        using (var byAdmin = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{id}", update with { }, stack.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        }
        using var missing = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{Guid.NewGuid()}", update, stack.Admin);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Names_are_unique_regardless_of_case()
    {
        var name = Unique("Unique Name");
        await stack.CreateShopAsync(NewCustomer(out _), name);

        using var clash = await stack.SendAsync(HttpMethod.Post, "/api/shops", new { name = $"  {name.ToUpperInvariant()} ", contactEmail = "x@example.test" }, NewCustomer(out _));
        await clash.AssertProblemAsync(HttpStatusCode.Conflict);

        var second = await stack.CreateShopAsync(NewCustomer(out _), name + " Two");
        using var renameClash = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{second.GetProperty("id").GetGuid()}",
            new { name = name.ToLowerInvariant(), contactEmail = "x@example.test" }, stack.Admin);
        await renameClash.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_input_gets_problem_responses()
    {
        var token = NewCustomer(out _);
        using (var invalid = await stack.SendAsync(HttpMethod.Post, "/api/shops",
            new { name = "x", contactEmail = "not-an-email", logoUrl = "javascript:alert(1)", contactPhone = "call me" }, token))
        {
            var problem = await invalid.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            var errors = problem.GetProperty("errors");
            foreach (var field in new[] { "name", "contactEmail", "logoUrl", "contactPhone" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {problem}");
            }
        }
        // A category within 100 characters whose comparison key (NFKC) is not: U+FDFA becomes eighteen characters.
        using (var longKey = await stack.SendAsync(HttpMethod.Post, "/api/shops",
            new { name = Unique("Long Key"), contactEmail = "a@example.test", category = new string('\uFDFA', 10) }, token))
        {
            var problem = await longKey.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("category", out _), problem.ToString());
        }
        using (var noBody = await stack.SendAsync(HttpMethod.Post, "/api/shops", null, token))
        {
            await noBody.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        using (var malformed = await stack.SendAsync(HttpMethod.Post, "/api/shops", new StringContent("{\"name\":", Encoding.UTF8, "application/json"), token))
        {
            await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        using (var unverified = await stack.SendAsync(HttpMethod.Post, "/api/shops", new { name = Unique("Unverified"), contactEmail = "a@example.test" },
            stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer], emailVerified: false)))
        {
            await unverified.AssertProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var anonymous = await stack.SendAsync(HttpMethod.Post, "/api/shops", new { name = Unique("Anon"), contactEmail = "a@example.test" }, null))
        {
            await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        foreach (var path in new[] { "/api/shops?size=10000", "/api/shops?page=0", "/api/shops?page=abc" })
        {
            using var response = await stack.SendAsync(HttpMethod.Get, path, null, null);
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        // A malformed id matches no route: the platform's 404 problem.
        using (var badId = await stack.SendAsync(HttpMethod.Get, "/api/shops/not-a-uuid", null, null))
        {
            await badId.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using var missing = await stack.SendAsync(HttpMethod.Get, $"/api/shops/{Guid.NewGuid()}", null, null);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_directory_searches_by_name_and_category_and_paginates()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var category = $"Cat{tag}";
        var names = new[] { $"Alpha {tag}", $"Beta {tag}", $"Gamma {tag}" };
        foreach (var name in names)
        {
            var id = (await stack.CreateShopAsync(NewCustomer(out _), name, category)).GetProperty("id").GetGuid();
            using var approve = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/approve", null, stack.Admin);
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }
        await stack.CreateShopAsync(NewCustomer(out _), $"Delta {tag}", category); // pending: not listed

        var page1 = await GetAsync($"/api/shops?category={category.ToLowerInvariant()}&size=2&page=1");
        Assert.Equal(3, page1.GetProperty("total").GetInt32());
        Assert.Equal(names[..2], page1.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        var page2 = await GetAsync($"/api/shops?category={category}&size=2&page=2");
        Assert.Equal([names[2]], page2.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));

        var search = await GetAsync($"/api/shops?q={Uri.EscapeDataString($"BETA {tag}")}");
        Assert.Equal([names[1]], search.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        // Query and category are compared by UnicodeText.ComparisonKey: full-width letters and extra spaces match too.
        var wide = await GetAsync($"/api/shops?q={Uri.EscapeDataString($"  ｂｅｔａ \u3000 {tag} ")}");
        Assert.Equal([names[1]], wide.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        Assert.Equal(3, await CountAsync($"/api/shops?category={Uri.EscapeDataString($"Ｃａｔ{tag}")}"));
        // LIKE wildcards and quotes are data, not syntax.
        Assert.Equal(0, (await GetAsync($"/api/shops?q={Uri.EscapeDataString($"%{tag}' OR '1'='1")}")).GetProperty("total").GetInt32());
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, path, null, null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<int> CountAsync(string path) => (await GetAsync(path)).GetProperty("total").GetInt32();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Platform.Security;
using EStore.Shop.Tests.Infrastructure;
using Npgsql;

namespace EStore.Shop.Tests;

/// <summary>
/// The security findings: shops whose names only look like another's, public answers that exposed the owner, and
/// page numbers that overflowed.
/// </summary>
[Collection(ShopCollection.Name)]
public sealed class LookalikeShopTests(ShopStack stack)
{
    private string Customer(out Guid id, string? email = null)
    {
        id = Guid.NewGuid();
        return stack.Tokens.For(id, [UserRoles.Customer], email: email);
    }

    // Letters only, so that every character has a full-width form and a Cyrillic lookalike is easy to place.
    private static string Tag() => new([.. Guid.NewGuid().ToString("N")[..8].Select(c => (char)('a' + (c % 16)))]);

    private static string FullWidth(string text) =>
        new([.. text.Select(c => c is > ' ' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c == ' ' ? '\u3000' : c)]);

    public static TheoryData<string, string> Lookalikes => new()
    {
        { "cyrillic o", "Vоlt Electronics" },       // U+043E
        { "two cyrillic o", "Vоlt Electrоnics" },   // U+043E twice
        { "full-width letters", FullWidth("Volt Electronics") },
        { "upper case and doubled spaces", "  VOLT   ELECTRONICS " },
        { "digit for letter", "Vo1t E1ectronics" },
    };

    [Theory]
    [MemberData(nameof(Lookalikes))]
    public async Task A_shop_whose_name_looks_like_an_existing_one_is_refused_with_409(string kind, string lookalike)
    {
        var tag = Tag();
        var original = await stack.CreateShopAsync(Customer(out _), $"Volt Electronics {tag}");

        using var created = await stack.SendAsync(HttpMethod.Post, "/api/shops",
            new { name = $"{lookalike} {tag}", contactEmail = "imposter@example.test" }, Customer(out _));
        var problem = await created.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"Volt Electronics {tag}", problem.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Renaming another shop into the lookalike is refused the same way; renaming one's own shop is not a clash.
        var token = Customer(out _);
        var other = await stack.CreateShopAsync(token, $"Harmless {tag}");
        using var renamed = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{other.GetProperty("id").GetGuid()}",
            new { name = $"{lookalike} {tag}", contactEmail = "imposter@example.test" }, token);
        await renamed.AssertProblemAsync(HttpStatusCode.Conflict);
        using var own = await stack.SendAsync(HttpMethod.Put, $"/api/shops/{original.GetProperty("id").GetGuid()}",
            new { name = $"VOLT ELECTRONICS {tag}", contactEmail = "shop@example.test" }, stack.Admin);
        Assert.True(own.StatusCode == HttpStatusCode.OK, $"{kind}: {await own.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("zero-width space", "Vo\u200Blt Electronics", "zero-width")]
    [InlineData("zero-width joiner", "Volt\u200D Electronics", "zero-width")]
    [InlineData("byte-order mark", "\uFEFFVolt Electronics", "zero-width")]
    [InlineData("right-to-left override", "Volt \u202Escinortcele", "bidirectional")]
    [InlineData("left-to-right isolate", "\u2066Volt Electronics\u2069", "bidirectional")]
    [InlineData("right-to-left mark", "Volt Electronics\u200F", "bidirectional")]
    [InlineData("NUL", "Volt\0 Electronics", "NUL")]
    [InlineData("private use", "Volt \uE000Electronics", "private-use")]
    public async Task A_shop_name_with_invisible_or_control_characters_is_refused_with_422(string kind, string name, string described)
    {
        using var response = await stack.SendAsync(HttpMethod.Post, "/api/shops",
            new { name = $"{name} {Tag()}", contactEmail = "imposter@example.test" }, Customer(out _));
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var error = Assert.Single(problem.GetProperty("errors").GetProperty("name").EnumerateArray()).GetString();
        Assert.True(error!.Contains(described, StringComparison.Ordinal), $"{kind}: {error}");
    }

    [Fact]
    public async Task A_shop_name_is_stored_NFKC_normalised_with_single_spaces()
    {
        var tag = Tag();
        var shop = await stack.CreateShopAsync(Customer(out _), $"  {FullWidth("Full Width")}\u00A0\u00A0Cafe\u0301 {tag} ");
        Assert.Equal($"Full Width Café {tag}", shop.GetProperty("name").GetString());
        Assert.StartsWith("full-width-cafe-", shop.GetProperty("slug").GetString(), StringComparison.Ordinal);

        // The directory search normalises the query the same way.
        using (var approve = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{shop.GetProperty("id").GetGuid()}/approve", null, stack.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }
        var found = JsonDocument.Parse(await ReadAsync($"/api/shops?q={Uri.EscapeDataString(FullWidth($"width café {tag}"))}", null)).RootElement;
        Assert.Equal(1, found.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Public_shop_answers_show_neither_the_owner_id_nor_the_owner_login_email()
    {
        var login = $"owner-{Tag()}@login.example.test";
        var token = Customer(out var owner, login);

        // No contact address given: refused, instead of publishing the login e-mail.
        using (var withoutContact = await stack.SendAsync(HttpMethod.Post, "/api/shops", new { name = $"Private Owner {Tag()}" }, token))
        {
            var problem = await withoutContact.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("contactEmail", out _), problem.ToString());
        }

        var created = await stack.CreateShopAsync(token, $"Private Owner {Tag()}");
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(owner, created.GetProperty("ownerId").GetGuid()); // the owner's own view
        using (var approve = await stack.SendAsync(HttpMethod.Post, $"/api/shops/{id}/approve", null, stack.Admin))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        var anonymous = await ReadAsync($"/api/shops/{id}", null);
        var stranger = await ReadAsync($"/api/shops/{id}", Customer(out _));
        var listed = JsonDocument.Parse(await ReadAsync($"/api/shops?q={Uri.EscapeDataString(created.GetProperty("name").GetString()!)}", null))
            .RootElement.GetProperty("items").EnumerateArray().Single();
        foreach (var (view, text) in new[] { ("anonymous", anonymous), ("another user", stranger), ("directory", listed.GetRawText()) })
        {
            var shop = JsonDocument.Parse(text).RootElement;
            Assert.False(shop.TryGetProperty("ownerId", out _), $"{view}: {text}");
            Assert.DoesNotContain(owner.ToString(), text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(login, text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("shop@example.test", shop.GetProperty("contactEmail").GetString());
        }

        // The owner and administrators still see who owns it.
        Assert.Equal(owner, JsonDocument.Parse(await ReadAsync($"/api/shops/{id}", token)).RootElement.GetProperty("ownerId").GetGuid());
        Assert.Equal(owner, JsonDocument.Parse(await ReadAsync($"/api/shops/{id}", stack.Admin)).RootElement.GetProperty("ownerId").GetGuid());
        var mine = JsonDocument.Parse(await ReadAsync("/api/shops/mine", token)).RootElement;
        Assert.Equal(owner, Assert.Single(mine.EnumerateArray()).GetProperty("ownerId").GetGuid());
    }

    [Theory]
    [InlineData("page=2147483647")]
    [InlineData("page=2147483648")]
    [InlineData("page=10001&size=100")]
    [InlineData("page=-1")]
    public async Task A_page_beyond_the_limit_is_refused_with_400_naming_page(string query)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/shops?{query}", null, null);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("page", out _), problem.ToString());
        Assert.Contains("'page'", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_allowed_page_answers_an_empty_page()
    {
        var page = JsonDocument.Parse(await ReadAsync("/api/shops?page=10000&size=100", null)).RootElement;
        Assert.Equal(10000, page.GetProperty("page").GetInt32());
        Assert.Empty(page.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Shops_stored_before_skeletons_get_one_at_startup_and_an_old_lookalike_is_left_for_an_admin()
    {
        var database = TestPostgres.NewDatabase("shop_skeleton");
        var settings = ShopApp.Settings(stack.Broker.BootstrapServers, database, stack.Tokens.JwksUrl);
        settings["Demo:SeedData"] = "true";
        try
        {
            await using (ShopApp.Start(settings))
            {
            }
            // As a database migrated from before the column: no skeletons, and a lookalike that got in back then.
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    UPDATE shops SET "NameSkeleton" = NULL;
                    INSERT INTO shops ("Id", "OwnerId", "Name", "NormalizedName", "Slug", "ContactEmail", "Status", "CreatedAt", "UpdatedAt")
                    VALUES (@id, @owner, 'Vоlt Electronics', 'VОLT ELECTRONICS', 'vlt-electronics', 'x@example.test', 'Active', now(), now());
                    """, connection);
                command.Parameters.AddWithValue("id", Guid.NewGuid());
                command.Parameters.AddWithValue("owner", Guid.NewGuid());
                await command.ExecuteNonQueryAsync();
            }

            await using var restarted = ShopApp.Start(settings);
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("""SELECT "Name", "NameSkeleton" FROM shops ORDER BY "CreatedAt" """, connection);
                await using var reader = await command.ExecuteReaderAsync();
                var rows = new List<(string Name, string? Skeleton)>();
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
                }
                Assert.Equal(4, rows.Count);
                Assert.All(rows.Where(r => r.Name != "Vоlt Electronics"), r => Assert.NotNull(r.Skeleton));
                Assert.Null(rows.Single(r => r.Name == "Vоlt Electronics").Skeleton);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/shops")
            {
                Content = JsonContent.Create(new { name = "VOLT electronics", contactEmail = "x@example.test" }),
            };
            request.Headers.Authorization = new("Bearer", Customer(out _));
            using var clash = await restarted.Http.SendAsync(request);
            await clash.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    private async Task<string> ReadAsync(string path, string? token)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, path, null, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary><c>/api/payment-methods</c>: cards tokenised at the provider, only their token and description stored.</summary>
public sealed class PaymentMethodTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    private const string Prefix = PaymentStack.Methods;

    [Fact]
    public async Task A_card_is_tokenised_and_attached_at_the_provider_and_only_its_description_is_stored()
    {
        var (user, token) = stack.Customer();
        var before = stack.Provider.Requests.Count;

        var card = await stack.AddCardAsync(token, "4242 4242 4242 4242");

        Assert.Equal("Card", card.GetProperty("paymentType").GetString());
        Assert.Equal("visa", card.GetProperty("brand").GetString());
        Assert.Equal("4242", card.GetProperty("last4").GetString());
        Assert.Equal(12, card.GetProperty("expiryMonth").GetInt32());
        Assert.True(card.GetProperty("isDefault").GetBoolean());
        Assert.DoesNotContain("4242424242424242", card.GetRawText(), StringComparison.Ordinal);

        var sent = stack.Provider.Requests.Skip(before).ToList();
        var stored = await stack.QueryAsync(db => db.PaymentMethods.AsNoTracking().SingleAsync(m => m.UserId == user));
        Assert.Equal(["POST /v1/customers", "POST /v1/payment_methods", $"POST /v1/payment_methods/{stored.ProviderToken}/attach"],
            sent.Select(r => $"{r.Method} {r.Path}"));
        Assert.All(sent, r => Assert.Equal($"Bearer {StripeMock.ApiKey}", r.Header("Authorization")));
        Assert.Equal(user.ToString(), sent[0].Form["metadata[user_id]"]);
        Assert.Equal($"estore-customer-{user:N}", sent[0].Header("Idempotency-Key"));
        Assert.Equal(new Dictionary<string, string>
        {
            ["type"] = "card",
            ["card[number]"] = "4242424242424242",
            ["card[exp_month]"] = "12",
            ["card[exp_year]"] = (DateTime.UtcNow.Year + 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["card[cvc]"] = "123",
        }, sent[1].Form);
        Assert.StartsWith("cus_", sent[2].Form["customer"], StringComparison.Ordinal);

        Assert.StartsWith("pm_", stored.ProviderToken, StringComparison.Ordinal);
        Assert.Equal(("visa", "4242"), (stored.Brand, stored.Last4));
        Assert.NotNull(stored.Fingerprint);
    }

    [Fact]
    public async Task The_camelCase_shape_is_accepted_and_one_provider_customer_serves_every_card_of_a_user()
    {
        var (user, token) = stack.Customer();
        await stack.AddCardAsync(token);
        var camel = new { paymentType = "card", details = new { cardNumber = "5555555555554444", expiryMonth = 1, expiryYear = DateTime.UtcNow.Year + 1, cvc = "4321" } };

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, camel, token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var card = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("mastercard", "4444", false), (card.GetProperty("brand").GetString(), card.GetProperty("last4").GetString(), card.GetProperty("isDefault").GetBoolean()));
        Assert.Single(stack.Provider.Requests, r => r.Path == "/v1/customers" && r.Form.GetValueOrDefault("metadata[user_id]") == user.ToString());
        Assert.Equal(1, await stack.QueryAsync(db => db.Customers.CountAsync(c => c.UserId == user)));
    }

    [Theory]
    [InlineData("4242424242424241", 12, 0, "123", "Card", "details.card_number")]   // Luhn
    [InlineData("42424242424", 12, 0, "123", "Card", "details.card_number")]        // 11 digits
    [InlineData("42424242424242424242", 12, 0, "123", "Card", "details.card_number")] // 20 digits
    [InlineData("4242abcd42424242", 12, 0, "123", "Card", "details.card_number")]
    [InlineData("4242424242424242", 13, 0, "123", "Card", "details.expiry_month")]
    [InlineData("4242424242424242", 0, 0, "123", "Card", "details.expiry_month")]
    [InlineData("4242424242424242", 12, -2, "123", "Card", "details.expiry_year")]  // last year
    [InlineData("4242424242424242", 12, 0, "12", "Card", "details.cvc")]
    [InlineData("4242424242424242", 12, 0, "12345", "Card", "details.cvc")]
    [InlineData("4242424242424242", 12, 0, "12a", "Card", "details.cvc")]
    [InlineData("4242424242424242", 12, 0, "123", "Bitcoin", "payment_type")]
    public async Task An_invalid_field_is_422_naming_it_and_nothing_reaches_the_provider(string number, int month, int yearsFromNow, string cvc, string type, string field)
    {
        var (_, token) = stack.Customer();
        var body = Cards.Body(number, month, DateTime.UtcNow.Year + yearsFromNow, cvc);
        body["payment_type"] = type;
        var before = stack.Provider.Requests.Count;

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, body, token);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.DoesNotContain(number, problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(before, stack.Provider.Requests.Count);
    }

    [Fact]
    public async Task A_card_the_provider_refuses_is_422_on_the_field_it_blames_and_a_provider_outage_is_503()
    {
        var (user, token) = stack.Customer();

        using var expired = await stack.SendAsync(HttpMethod.Post, Prefix, Cards.Body("4000000000000069"), token);
        var problem = await expired.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty("details.expiry_month", out _), problem.GetRawText());

        stack.Provider.FailPath("/v1/payment_methods", ProviderFault.ServerError);
        using var down = await stack.SendAsync(HttpMethod.Post, Prefix, Cards.Body(), token);
        await down.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Equal(0, await stack.QueryAsync(db => db.PaymentMethods.CountAsync(m => m.UserId == user)));
    }

    [Fact]
    public async Task The_same_card_twice_is_409()
    {
        var (_, token) = stack.Customer();
        await stack.AddCardAsync(token);

        using var again = await stack.SendAsync(HttpMethod.Post, Prefix, Cards.Body(), token);

        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_first_card_is_the_default_and_PUT_default_moves_it()
    {
        var (_, token) = stack.Customer();
        var first = await stack.AddCardAsync(token);
        var second = await stack.AddCardAsync(token, "5555555555554444");
        var secondId = second.GetProperty("id").GetGuid();

        using var moved = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{secondId}/default", null, token);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var list = (await stack.GetAsync(Prefix, token)).EnumerateArray().ToList();
        Assert.Equal([first.GetProperty("id").GetGuid(), secondId], list.Select(m => m.GetProperty("id").GetGuid()));
        Assert.Equal([false, true], list.Select(m => m.GetProperty("isDefault").GetBoolean()));
    }

    [Fact]
    public async Task Deleting_detaches_the_card_at_the_provider_and_the_other_card_becomes_the_default()
    {
        var (user, token) = stack.Customer();
        var first = await stack.AddCardAsync(token);
        var second = await stack.AddCardAsync(token, "5555555555554444");
        var firstId = first.GetProperty("id").GetGuid();
        var providerToken = await stack.QueryAsync(db => db.PaymentMethods.Where(m => m.Id == firstId).Select(m => m.ProviderToken).SingleAsync());

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{firstId}", null, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Single(stack.Provider.Requests, r => r.Method == "POST" && r.Path == $"/v1/payment_methods/{providerToken}/detach");
        var left = Assert.Single((await stack.GetAsync(Prefix, token)).EnumerateArray());
        Assert.Equal(second.GetProperty("id").GetGuid(), left.GetProperty("id").GetGuid());
        Assert.True(left.GetProperty("isDefault").GetBoolean());
        using var gone = await stack.SendAsync(HttpMethod.Get, $"{Prefix}/{firstId}", null, token);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Another_users_card_answers_404_on_every_endpoint_like_a_missing_one_and_is_not_listed()
    {
        var (_, owner) = stack.Customer();
        var card = await stack.AddCardAsync(owner);
        var id = card.GetProperty("id").GetGuid();
        var (_, other) = stack.Customer();
        var admin = stack.Admin;

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"{Prefix}/{id}"), (HttpMethod.Delete, $"{Prefix}/{id}"), (HttpMethod.Put, $"{Prefix}/{id}/default") })
        {
            foreach (var caller in new[] { other, admin })
            {
                using var theirs = await stack.SendAsync(method, path, null, caller);
                using var missing = await stack.SendAsync(method, path.Replace(id.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal), null, caller);
                var problem = await theirs.AssertProblemAsync(HttpStatusCode.NotFound);
                var unknown = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
                Assert.Equal(unknown.GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());
            }
        }
        Assert.Empty((await stack.GetAsync(Prefix, other)).EnumerateArray());
        Assert.Equal(id, (await stack.GetAsync($"{Prefix}/{id}", owner)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Every_endpoint_needs_a_token()
    {
        var id = Guid.NewGuid();
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, Prefix), (HttpMethod.Post, Prefix), (HttpMethod.Get, $"{Prefix}/{id}"), (HttpMethod.Delete, $"{Prefix}/{id}"),
            (HttpMethod.Put, $"{Prefix}/{id}/default"), (HttpMethod.Get, PaymentStack.Payments),
        })
        {
            using var response = await stack.SendAsync(method, path, method == HttpMethod.Post ? Cards.Body() : null, null);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Adding_cards_past_the_per_user_limit_is_429_with_Retry_After_and_other_users_are_not_held()
    {
        var (_, token) = stack.Customer();
        var refused = 0;
        for (var i = 0; i < PaymentStack.CreatePermits; i++)
        {
            // Invalid tries count too: card testers mostly send numbers that fail.
            using var tried = await stack.SendAsync(HttpMethod.Post, Prefix, Cards.Body("4242424242424241"), token);
            refused += tried.StatusCode == HttpStatusCode.UnprocessableEntity ? 1 : 0;
        }
        Assert.Equal(PaymentStack.CreatePermits, refused);

        using var limited = await stack.SendAsync(HttpMethod.Post, Prefix, Cards.Body(), token);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        var (_, other) = stack.Customer();
        await stack.AddCardAsync(other);
    }

    [Fact]
    public async Task The_card_number_and_CVC_are_nowhere_in_the_database_the_logs_or_the_spans()
    {
        const string number = "5555555555554444";
        const string cvc = "9876";
        // Every span this process makes (the service's and the test's own), with its tags and events, as it ends.
        var spans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue($"{a.Source.Name} {a.DisplayName} {string.Join(' ', a.TagObjects.Select(t => $"{t.Key}={t.Value}"))} "
                + string.Join(' ', a.Events.Select(e => $"{e.Name} {string.Join(' ', e.Tags.Select(t => $"{t.Key}={t.Value}"))}"))),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var instance = stack.SecondInstance();
        var (_, token) = stack.Customer();
        using var request = new HttpRequestMessage(HttpMethod.Post, Prefix) { Content = JsonContent.Create(Cards.Body(number, cvc: cvc)) };
        request.Headers.Authorization = new("Bearer", token);

        using var created = await instance.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(spans, s => s.Contains("/v1/payment_methods", StringComparison.Ordinal));
        var dump = await stack.QueryAsync(DumpAsync);
        var logs = string.Join('\n', stack.Logs);
        Assert.Contains("payment_methods", dump, StringComparison.Ordinal);
        Assert.NotEmpty(stack.Logs);
        foreach (var (place, text) in new[] { ("database", dump), ("logs", logs), ("spans", string.Join('\n', spans)) })
        {
            Assert.False(text.Contains(number, StringComparison.Ordinal), $"the card number is in the {place}");
            Assert.False(text.Contains($"cvc={cvc}", StringComparison.Ordinal) || text.Contains($"\"{cvc}\"", StringComparison.Ordinal), $"the CVC is in the {place}");
        }
    }

    // Every row of every table of the service's schema, as JSON text.
    private static async Task<string> DumpAsync(PaymentDbContext db)
    {
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").ToListAsync();
        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            dump.Append(table).Append('\n');
#pragma warning disable EF1002 // table names come from the catalog, not from input
            foreach (var row in await db.Database.SqlQueryRaw<string>($"SELECT row_to_json(t)::text AS \"Value\" FROM \"{table}\" t").ToListAsync())
#pragma warning restore EF1002
            {
                dump.Append(row).Append('\n');
            }
        }
        return dump.ToString();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;
using EStore.Platform.Security;

namespace EStore.Gateway.Tests;

/// <summary>
/// Discovery, the gateway, cart-, address- and payment-service (with the payment sandbox) as real processes on
/// PostgreSQL, for the gateway's own composed answers under <c>/api/aggregate</c>. Tokens come from
/// <see cref="TestTokens"/>, whose JWKS every process trusts.
/// </summary>
public sealed class AggregationMeshFixture() : MeshFixture("aggmesh", "cart-service", "address-service", "payment-service")
{
    public TestTokens Tokens { get; private set; } = null!;

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Tokens = Own(await TestTokens.StartAsync());
        options.StartPaymentSandbox = true;
        options.Environment["Jwt__JwksUrl"] = Tokens.JwksUrl.ToString();
    }

    public async Task<JsonElement> SendAsync(HttpStatusCode expected, HttpMethod method, string path, object? body, string? token)
    {
        var (status, answer) = await Eventually.GetAsync(async () =>
            {
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                using var response = await Gateway.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
            },
            // A route whose service has not registered with the gateway yet answers 503 for a moment after start.
            answer => answer.StatusCode != HttpStatusCode.ServiceUnavailable || expected == HttpStatusCode.ServiceUnavailable,
            $"{method} {path}", TimeSpan.FromSeconds(45));
        Assert.True(status == expected, $"{method} {path}: {(int)status} {answer}");
        return answer;
    }

    /// <summary>A new customer with one named cart, one address and one saved card: their token and those ids.</summary>
    public async Task<(string Token, Guid Cart, Guid Address, Guid Card)> ShopperAsync(string name)
    {
        var token = Tokens.For(Guid.NewGuid(), [UserRoles.Customer], email: $"{name}-{Guid.NewGuid():N}@aggregate.test");
        var cart = await SendAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/carts", new { name = $"{name}'s gifts" }, token);
        var address = await SendAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/addresses",
            new { label = "Home", recipientName = name, line1 = "1 Main Street", city = "Berlin", postalCode = "10115", country = "DE", phone = "+49 30 1234567" }, token);
        var card = await SendAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/payment-methods",
            new { payment_type = "Card", details = new { card_number = "4242424242424242", expiry_month = 12, expiry_year = DateTime.UtcNow.Year + 2, cvc = "123" } }, token);
        return (token, cart.GetProperty("id").GetGuid(), address.GetProperty("id").GetGuid(), card.GetProperty("id").GetGuid());
    }
}

public sealed class AggregationTests(AggregationMeshFixture mesh) : IClassFixture<AggregationMeshFixture>
{
    private static List<Guid> Ids(JsonElement list) =>
        (list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items")).EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task Checkout_page_data_is_one_answer_holding_only_the_callers_carts_addresses_and_cards()
    {
        var ann = await mesh.ShopperAsync("Ann");
        var bob = await mesh.ShopperAsync("Bob");

        var page = await mesh.SendAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/aggregate/checkout", null, ann.Token);

        Assert.Empty(page.GetProperty("missing").EnumerateArray());
        var carts = Ids(page.GetProperty("carts"));
        Assert.Contains(ann.Cart, carts);
        Assert.DoesNotContain(bob.Cart, carts);
        Assert.Equal([ann.Address], Ids(page.GetProperty("addresses")));
        var card = Assert.Single(page.GetProperty("paymentMethods").EnumerateArray());
        Assert.Equal(ann.Card, card.GetProperty("id").GetGuid());
        Assert.Equal("4242", card.GetProperty("last4").GetString());
        Assert.DoesNotContain("4242424242424242", page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Aggregates_need_a_token()
    {
        await mesh.SendAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/api/aggregate/checkout", null, null);
        await mesh.SendAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, $"/api/aggregate/orders/{Guid.NewGuid()}", null, null);
    }

    [Fact]
    public async Task With_payment_service_down_the_checkout_answer_names_the_missing_part_and_keeps_the_rest()
    {
        var ann = await mesh.ShopperAsync("Cleo");
        await mesh.Mesh.StopInstanceAsync(mesh.Mesh.GetInstances("payment-service").Single(i => i.IsRunning).Name);
        try
        {
            // Until discovery drops the stopped instance, a request may still be refused by its closed port.
            var page = await Eventually.GetAsync(
                () => mesh.SendAsync(HttpStatusCode.OK, HttpMethod.Get, "/api/aggregate/checkout", null, ann.Token),
                answer => answer.GetProperty("missing").GetArrayLength() > 0, "the checkout answer to miss payment-service", TimeSpan.FromSeconds(45));

            var missing = Assert.Single(page.GetProperty("missing").EnumerateArray());
            Assert.Equal("paymentMethods", missing.GetProperty("part").GetString());
            Assert.Equal("payment-service", missing.GetProperty("service").GetString());
            Assert.Equal("unavailable", missing.GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.Null, page.GetProperty("paymentMethods").ValueKind);
            Assert.Contains(ann.Cart, Ids(page.GetProperty("carts")));
            Assert.Equal([ann.Address], Ids(page.GetProperty("addresses")));
        }
        finally
        {
            // The other tests of the class need cards again.
            await mesh.Mesh.StartInstanceAsync("payment-service");
            await mesh.Mesh.WaitForGatewayRoutesAsync("payment-service");
        }
    }
}

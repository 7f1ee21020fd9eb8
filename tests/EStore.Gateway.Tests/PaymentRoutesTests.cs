using System.Net;
using System.Text;

namespace EStore.Gateway.Tests;

/// <summary>
/// payment-service's routes in gateway/appsettings.json, against an echo instance registered as
/// <c>payment-service</c>: the provider's webhook is the one anonymous path (POST only, small bodies), everything
/// else under <c>/api/payments</c> and <c>/api/payment-methods</c> needs a token.
/// </summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class PaymentRoutesTests(GatewayMeshFixture mesh)
{
    private const string Webhook = "/api/payments/webhooks/provider";

    // The route's MaxRequestBodySize: a Stripe event is a few KB.
    private const int WebhookBodyLimit = 32 * 1024;

    [Fact]
    public async Task Provider_webhook_is_anonymous_POST_only_with_a_small_body_limit_and_every_other_payment_path_needs_a_token()
    {
        await using var payment = await StartPaymentEchoAsync();

        // Just under the limit passes (a Stripe event is a few KB).
        using var webhook = await mesh.Gateway.PostAsync(Webhook, Json($"{{\"pad\":\"{new string('x', WebhookBodyLimit - 20)}\"}}"));
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Equal(payment.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), webhook.Headers.GetValues(EchoService.PortHeader).Single());

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, Webhook), (HttpMethod.Put, Webhook), (HttpMethod.Get, "/api/payments"),
            (HttpMethod.Post, "/api/payments/00000000-0000-0000-0000-000000000001/refunds"),
            (HttpMethod.Get, "/api/payment-methods"), (HttpMethod.Post, "/api/payment-methods"),
        })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Get ? null : Json("{}") };
            using var response = await mesh.Gateway.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
        }

        using var large = await mesh.Gateway.PostAsync(Webhook, Json($"{{\"pad\":\"{new string('x', WebhookBodyLimit)}\"}}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        await large.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    private async Task<EchoService> StartPaymentEchoAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var echo = await EchoService.StartAsync(mesh.EchoEurekaUrl, timeout.Token, "payment-service");
        await GatewayMeshFixture.WaitRoutedAsync(mesh.GatewayManagement.BaseAddress!, "payment-service", timeout.Token);
        return echo;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

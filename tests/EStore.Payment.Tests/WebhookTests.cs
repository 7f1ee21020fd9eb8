using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EStore.Contracts.Events;
using EStore.Payment.Apis;
using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>
/// Outcomes that settle later: a charge the provider answers <c>processing</c> is finished by its signed webhook or,
/// without one, by retrieving the PaymentIntent again. Bad signatures, replays and late events change nothing.
/// </summary>
public sealed class WebhookTests(PaymentStack stack) : IClassFixture<PaymentStack>
{
    private const string SettlesLater = "4000000000006975";

    [Fact]
    public async Task A_signed_payment_intent_succeeded_finishes_a_processing_payment_once_and_its_replay_is_ignored()
    {
        var order = await ProcessingOrderAsync();
        // The provider still says processing when asked: only the event can finish the payment.
        var intent = Succeeded(order);
        var (body, signature) = StripeMock.SignedEvent($"evt_{Guid.NewGuid():N}", "payment_intent.succeeded", intent);

        using var first = await PostAsync(body, signature);
        using var replay = await PostAsync(body, signature);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, replay.StatusCode));
        var payment = await stack.SettledAsync(order);
        Assert.Equal((PaymentStatus.Succeeded, (string?)intent["latest_charge"]), (payment.Status, payment.ProviderChargeId));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order));
    }

    [Fact]
    public async Task A_webhook_with_a_wrong_missing_or_stale_signature_is_400_and_changes_nothing()
    {
        var order = await ProcessingOrderAsync();
        var intent = stack.Provider.Settle(order);
        var id = $"evt_{Guid.NewGuid():N}";
        var (body, _) = StripeMock.SignedEvent(id, "payment_intent.succeeded", intent);
        var (_, wrongSecret) = StripeMock.SignedEvent(id, "payment_intent.succeeded", intent, secret: "whsec_someone_else");
        var (staleBody, stale) = StripeMock.SignedEvent(id, "payment_intent.succeeded", intent, timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());

        foreach (var (text, header) in new[] { (body, wrongSecret), (body, null), (staleBody, stale), (body.Replace("succeeded", "canceled", StringComparison.Ordinal), wrongSecret) })
        {
            using var refused = await PostAsync(text, header);
            await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        Assert.Equal(0, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order));
        Assert.False(await stack.QueryAsync(db => db.WebhookEvents.AnyAsync(w => w.EventId == id)));
    }

    [Fact]
    public async Task A_late_payment_failed_after_the_payment_succeeded_changes_nothing()
    {
        var order = await ProcessingOrderAsync();
        var intent = Succeeded(order);
        var (succeeded, signature) = StripeMock.SignedEvent($"evt_{Guid.NewGuid():N}", "payment_intent.succeeded", intent);
        using var ok = await PostAsync(succeeded, signature);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var failedIntent = intent.DeepClone().AsObject();
        failedIntent["status"] = "requires_payment_method";
        failedIntent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds" };
        var (failed, failedSignature) = StripeMock.SignedEvent($"evt_{Guid.NewGuid():N}", "payment_intent.payment_failed", failedIntent);

        using var late = await PostAsync(failed, failedSignature);

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var payment = await stack.SettledAsync(order);
        Assert.Equal((PaymentStatus.Succeeded, (string?)null), (payment.Status, payment.FailureReason));
        Assert.Equal(0, await stack.OutboxCountAsync(nameof(PaymentFailed), order));
    }

    [Fact]
    public async Task A_signed_payment_failed_fails_a_processing_payment_with_the_decline_reason()
    {
        var order = await ProcessingOrderAsync();
        var intent = stack.Provider.Intent(order)!;
        intent["status"] = "requires_payment_method";
        intent["last_payment_error"] = new JsonObject { ["type"] = "card_error", ["code"] = "card_declined", ["decline_code"] = "insufficient_funds" };
        var (body, signature) = StripeMock.SignedEvent($"evt_{Guid.NewGuid():N}", "payment_intent.payment_failed", intent);

        using var response = await PostAsync(body, signature);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payment = await stack.SettledAsync(order, TimeSpan.FromSeconds(5));
        Assert.Equal((PaymentStatus.Failed, "insufficient_funds"), (payment.Status, payment.FailureReason));
        var failed = stack.ConsumeEvent<PaymentFailed>(e => e.OrderId == order, TimeSpan.FromSeconds(20));
        Assert.Equal("insufficient_funds", failed.Reason);
    }

    [Fact]
    public async Task Without_a_webhook_a_processing_payment_is_finished_by_retrieving_its_PaymentIntent()
    {
        var order = await ProcessingOrderAsync();

        stack.Provider.Settle(order);

        var payment = await stack.SettledAsync(order);
        Assert.Equal(PaymentStatus.Succeeded, payment.Status);
        var intentId = (string?)stack.Provider.Intent(order)!["id"];
        Assert.Contains(stack.Provider.Requests, r => r.Method == "GET" && r.Path == $"/v1/payment_intents/{intentId}");
        Assert.Single(stack.Provider.ChargeRequests(order));
    }

    private JsonObject Succeeded(Guid order)
    {
        var intent = stack.Provider.Intent(order)!;
        intent["status"] = "succeeded";
        intent["amount_received"] = intent["amount"]!.GetValue<long>();
        intent["latest_charge"] = $"ch_webhook_{Guid.NewGuid():N}";
        return intent;
    }

    // An order charged with the card that settles later, left processing with its PaymentIntent stored.
    private async Task<Guid> ProcessingOrderAsync()
    {
        var (user, token) = stack.Customer();
        var method = (await stack.AddCardAsync(token, SettlesLater)).GetProperty("id").GetGuid();
        var order = PaymentStack.Order(user, method);
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        await Eventually.TrueAsync(() => stack.QueryAsync(db => db.Payments.AnyAsync(p => p.OrderId == order.OrderId && p.ProviderPaymentIntentId != null)),
            "the charge answered processing");
        return order.OrderId;
    }

    private Task<HttpResponseMessage> PostAsync(string body, string? signature)
    {
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (signature is not null)
        {
            content.Headers.Add("Stripe-Signature", signature);
        }
        return stack.SendAsync(HttpMethod.Post, PaymentApi.WebhookPath, content, null);
    }
}

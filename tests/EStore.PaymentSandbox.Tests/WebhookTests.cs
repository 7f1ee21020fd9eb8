using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>Events as Stripe sends them: signed so that Stripe.net's EventUtility accepts them, and sent again until accepted.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task Settled_payment_sends_a_payment_intent_succeeded_event_that_EventUtility_verifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sandbox = await SandboxClient.StartAsync(receiver.Url);

        var intent = await sandbox.ChargeAsync("4000000000006975", "order-1");

        var delivery = await Eventually.GetAsync(() => Task.FromResult(receiver.Deliveries.FirstOrDefault(d => d.Body.Contains("payment_intent.succeeded", StringComparison.Ordinal))),
            d => d.Body is not null, "a payment_intent.succeeded delivery", TimeSpan.FromSeconds(10));
        var evt = EventUtility.ConstructEvent(delivery.Body, delivery.Signature, sandbox.Provider.WebhookSecret);
        Assert.Equal(EventTypes.PaymentIntentSucceeded, evt.Type);
        Assert.StartsWith("evt_", evt.Id, StringComparison.Ordinal);
        var settled = Assert.IsType<PaymentIntent>(evt.Data.Object);
        Assert.Equal((intent.Id, "succeeded", "order-1"), (settled.Id, settled.Status, settled.Metadata["order_id"]));
        // Signed with another secret, the same delivery is refused.
        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(delivery.Body, delivery.Signature, "whsec_other"));
    }

    [Fact]
    public async Task Decline_and_refund_send_payment_failed_and_charge_refunded_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sandbox = await SandboxClient.StartAsync(receiver.Url);
        await Assert.ThrowsAsync<StripeException>(() => sandbox.ChargeAsync("4000000000000002", "order-2"));
        var paid = await sandbox.ChargeAsync(SandboxClient.Visa, "order-3", amount: 3000);
        await sandbox.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paid.Id, Amount = 1000 });

        var events = await Eventually.GetAsync(
            () => Task.FromResult(receiver.Deliveries.Select(d => EventUtility.ConstructEvent(d.Body, d.Signature, sandbox.Provider.WebhookSecret)).ToList()),
            e => e.Count >= 3, "three events", TimeSpan.FromSeconds(10), describe: e => string.Join(", ", e.Select(x => x.Type)));

        var failed = Assert.IsType<PaymentIntent>(events.Single(e => e.Type == EventTypes.PaymentIntentPaymentFailed).Data.Object);
        Assert.Equal(("order-2", "generic_decline"), (failed.Metadata["order_id"], failed.LastPaymentError.DeclineCode));
        var refunded = Assert.IsType<Charge>(events.Single(e => e.Type == EventTypes.ChargeRefunded).Data.Object);
        Assert.Equal((paid.LatestChargeId, 1000L, false), (refunded.Id, refunded.AmountRefunded, refunded.Refunded));
    }

    [Fact]
    public async Task Event_the_receiver_answers_500_is_sent_again_with_a_fresh_signature_until_accepted()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500);
        await using var sandbox = await SandboxClient.StartAsync(receiver.Url);

        var intent = await sandbox.ChargeAsync(SandboxClient.Visa, "order-4");

        var deliveries = await Eventually.GetAsync(() => Task.FromResult(receiver.Deliveries.ToList()), d => d.Any(x => x.AnsweredWith == 200),
            "a delivery answered 200", TimeSpan.FromSeconds(10), describe: d => string.Join(", ", d.Select(x => x.AnsweredWith)));
        Assert.Equal([500, 500, 200], deliveries.Select(d => d.AnsweredWith));
        var events = deliveries.Select(d => EventUtility.ConstructEvent(d.Body, d.Signature, sandbox.Provider.WebhookSecret)).ToList();
        Assert.Single(events.Select(e => e.Id).Distinct());
        Assert.Equal(intent.Id, Assert.IsType<PaymentIntent>(events[^1].Data.Object).Id);
    }

    [Fact]
    public async Task Receiver_that_never_accepts_gets_the_configured_number_of_attempts_and_no_more()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500, 500, 500, 500);
        await using var sandbox = await SandboxClient.StartAsync(receiver.Url, settings: new Dictionary<string, string> { ["Sandbox:WebhookMaxAttempts"] = "3" });

        await sandbox.ChargeAsync(SandboxClient.Visa, "order-5");

        await Eventually.TrueAsync(() => Task.FromResult(receiver.Deliveries.Count == 3), "three attempts", TimeSpan.FromSeconds(10));
        await Task.Delay(1500);
        Assert.Equal(3, receiver.Deliveries.Count);
    }
}

using System.Net;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Stripe;

namespace EStore.PaymentSandbox.Tests;

/// <summary>
/// The sandbox with a data directory (as <c>./estore up</c> runs it): what it holds outlives a restart, so a card saved in
/// an earlier run still charges and an idempotency key still answers its first outcome.
/// </summary>
public sealed class PersistenceTests : IDisposable
{
    private const string ApiKey = "sk_test_persist0123456789";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"estore-sandbox-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_card_saved_before_a_restart_charges_after_it_and_a_kept_idempotency_key_answers_the_first_outcome()
    {
        string customerId, cardId, firstIntent, firstCharge;
        var key = new RequestOptions { IdempotencyKey = "estore-order-1-charge-1" };
        await using (var before = await StartAsync())
        {
            var stripe = Client(before.Url);
            customerId = (await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions { Email = "ada@estore.example" })).Id;
            cardId = (await new PaymentMethodService(stripe).CreateAsync(new PaymentMethodCreateOptions
            {
                Type = "card",
                Card = new PaymentMethodCardOptions { Number = SandboxClient.Visa, ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3, Cvc = "123" },
            })).Id;
            await new PaymentMethodService(stripe).AttachAsync(cardId, new PaymentMethodAttachOptions { Customer = customerId });
            var intent = await new PaymentIntentService(stripe).CreateAsync(SandboxClient.ChargeOptions(customerId, cardId, "order-1"), key);
            (firstIntent, firstCharge) = (intent.Id, intent.LatestChargeId);
        }
        // A write that a crash cut short leaves only its temporary file behind; the state file is whole.
        await System.IO.File.WriteAllTextAsync(Path.Combine(_directory, "payment-sandbox-state.json.tmp"), "{\"version\": 1, \"ledg");

        await using var after = await StartAsync();
        var again = Client(after.Url);

        var replayed = await new PaymentIntentService(again).CreateAsync(SandboxClient.ChargeOptions(customerId, cardId, "order-1"), key);
        Assert.Equal((firstIntent, firstCharge), (replayed.Id, replayed.LatestChargeId));
        Assert.Equal("true", replayed.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        var other = await Assert.ThrowsAsync<StripeException>(() => new PaymentIntentService(again)
            .CreateAsync(SandboxClient.ChargeOptions(customerId, cardId, "order-1", amount: 1000), key));
        Assert.Equal("idempotency_error", other.StripeError.Type);

        var second = await new PaymentIntentService(again).CreateAsync(SandboxClient.ChargeOptions(customerId, cardId, "order-2"),
            new RequestOptions { IdempotencyKey = "estore-order-2-charge-1" });
        Assert.Equal("succeeded", second.Status);
        Assert.Equal(customerId, (await new CustomerService(again).GetAsync(customerId)).Id);
        var refund = await new RefundService(again).CreateAsync(new RefundCreateOptions { PaymentIntent = firstIntent, Amount = 599 });
        Assert.Equal(599, refund.Amount);
        Assert.Equal(2, (await new PaymentIntentService(again).ListAsync(new PaymentIntentListOptions { Customer = customerId })).Data.Count);
    }

    [Fact]
    public async Task A_charge_still_settling_when_the_sandbox_stopped_settles_after_the_restart()
    {
        string intentId;
        await using (var before = await StartAsync(settleDelayMs: 60_000))
        {
            var stripe = Client(before.Url);
            var customer = await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions());
            var card = await new PaymentMethodService(stripe).CreateAsync(new PaymentMethodCreateOptions
            {
                Type = "card",
                Card = new PaymentMethodCardOptions { Number = "4000000000006975", ExpMonth = 12, ExpYear = DateTime.UtcNow.Year + 3 },
            });
            await new PaymentMethodService(stripe).AttachAsync(card.Id, new PaymentMethodAttachOptions { Customer = customer.Id });
            var intent = await new PaymentIntentService(stripe).CreateAsync(SandboxClient.ChargeOptions(customer.Id, card.Id, "order-3"));
            Assert.Equal("processing", intent.Status);
            intentId = intent.Id;
        }

        await using var after = await StartAsync(settleDelayMs: 100);

        var settled = await Eventually.GetAsync(() => new PaymentIntentService(Client(after.Url)).GetAsync(intentId),
            i => i.Status == "succeeded", "the processing charge to settle after the restart", TimeSpan.FromSeconds(15), describe: i => i.Status);
        Assert.Equal(2599, settled.AmountReceived);
    }

    [Fact]
    public async Task Without_a_data_directory_a_restart_forgets_everything()
    {
        string customerId;
        await using (var before = await StartAsync(withDirectory: false))
        {
            customerId = (await new CustomerService(Client(before.Url)).CreateAsync(new CustomerCreateOptions())).Id;
        }

        await using var after = await StartAsync(withDirectory: false);

        var missing = await Assert.ThrowsAsync<StripeException>(() => new CustomerService(Client(after.Url)).GetAsync(customerId));
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing"), (missing.HttpStatusCode, missing.StripeError.Code));
        Assert.False(Directory.Exists(_directory));
    }

    [Fact]
    public async Task An_unreadable_state_file_stops_the_start_with_one_line_naming_the_setting()
    {
        Directory.CreateDirectory(_directory);
        await System.IO.File.WriteAllTextAsync(Path.Combine(_directory, "payment-sandbox-state.json"), "not json");

        var error = await Assert.ThrowsAsync<StartupConfigurationException>(() => StartAsync());

        Assert.StartsWith("Sandbox:DataDirectory: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private async Task<RunningSandbox> StartAsync(bool withDirectory = true, int settleDelayMs = 300)
    {
        List<string> args = ["--Urls=http://127.0.0.1:0", $"--Sandbox:ApiKey={ApiKey}", $"--Sandbox:SettleDelayMs={settleDelayMs}"];
        if (withDirectory)
        {
            args.Add($"--Sandbox:DataDirectory={_directory}");
        }
        var app = PaymentSandboxApp.Build([.. args]);
        try
        {
            return new RunningSandbox(app, await PaymentSandboxApp.StartAsync(app));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static StripeClient Client(Uri url) =>
        new(ApiKey, httpClient: new SystemNetHttpClient(new HttpClient(new SocketsHttpHandler { UseProxy = false }), maxNetworkRetries: 0),
            apiBase: url.ToString().TrimEnd('/'));

    private sealed record RunningSandbox(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}

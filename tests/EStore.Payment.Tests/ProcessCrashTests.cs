using System.Globalization;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Payment.Data;
using EStore.Payment.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Payment.Tests;

/// <summary>
/// payment-service as its own process, killed with SIGKILL while the payment sandbox is still working on its charge
/// (the slow test card), then started again: the provider ends up with exactly one succeeded PaymentIntent for the
/// order, and one PaymentSucceeded goes out.
/// </summary>
public sealed class ProcessCrashTests(ChargelessSandboxPaymentStack stack) : IClassFixture<ChargelessSandboxPaymentStack>
{
    private const string SlowCard = "4000000000001000";

    [Fact]
    public async Task Killed_while_its_charge_is_in_flight_the_restarted_process_finishes_it_with_one_charge_and_one_PaymentSucceeded()
    {
        var (user, token) = stack.Customer();
        var method = (await stack.AddCardAsync(token, SlowCard)).GetProperty("id").GetGuid();
        var order = PaymentStack.Order(user, method);

        var first = await StartProcessAsync("payment-1");
        await stack.PublishAsync(order, PaymentStack.Reserved(order.OrderId));
        await Eventually.TrueAsync(() => stack.QueryAsync(db => db.Payments.AnyAsync(p => p.OrderId == order.OrderId && p.Status == PaymentStatus.Charging)),
            "the charge claimed by the process", TimeSpan.FromSeconds(30));
        // The claim is committed before the request leaves: kill only once the sandbox is working on it.
        await Eventually.TrueAsync(async () => await stack.Sandbox.InFlightForOrderAsync(order.OrderId.ToString()) == 1,
            "the charge under way at the provider", TimeSpan.FromSeconds(30));

        first.Kill();
        await first.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await first.DisposeAsync();

        // The sandbox finishes the charge nobody waits for any more: the money is taken, the outcome stored nowhere.
        var charges = await Eventually.GetAsync(() => stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString()), c => c.Count > 0,
            "the slow charge made at the provider", TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", Assert.Single(charges).Status);
        var stuck = await stack.QueryAsync(db => db.Payments.AsNoTracking().Include(p => p.Attempts).SingleAsync(p => p.OrderId == order.OrderId));
        Assert.Equal((PaymentStatus.Charging, 0), (stuck.Status, stuck.Attempts.Count));

        await using var second = await StartProcessAsync("payment-2");

        var payment = await stack.SettledAsync(order.OrderId, TimeSpan.FromSeconds(60));
        Assert.Equal((PaymentStatus.Succeeded, 25.00m), (payment.Status, payment.AmountCaptured));
        var succeeded = stack.ConsumeEvent<PaymentSucceeded>(e => e.OrderId == order.OrderId, TimeSpan.FromSeconds(30));
        Assert.Equal(payment.ProviderChargeId, succeeded.ProviderReference);
        var intents = await new Stripe.PaymentIntentService(stack.Stripe).SearchAsync(new Stripe.PaymentIntentSearchOptions
        {
            Query = $"metadata['order_id']:'{order.OrderId}'",
        });
        Assert.Equal(payment.ProviderPaymentIntentId, Assert.Single(intents.Data, i => i.Status == "succeeded").Id);
        Assert.Single(await stack.Sandbox.ChargesForOrderAsync(order.OrderId.ToString()));
        Assert.Equal(1, await stack.OutboxCountAsync(nameof(PaymentSucceeded), order.OrderId));
    }

    // payment-service's built executable with this stack's database, broker, tokens and sandbox; ready when healthy.
    private async Task<ManagedProcess> StartProcessAsync(string name)
    {
        var layout = RepositoryLayout.Discover();
        var dll = layout.FindDll("EStore.Payment") ?? throw new InvalidOperationException($"not built: {layout.GetExpectedDllPath("EStore.Payment")}");
        var port = FreePort.Next();
        var info = ManagedProcessStartInfo.ForDotnet(name, dll);
        foreach (var (key, value) in stack.InstanceSettings())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        // Longer than the slow card's answer, so only the kill keeps the first answer from being stored.
        info.Environment["Payment__Provider__TimeoutSeconds"] = (ChargelessSandboxPaymentStack.SlowCardDelay.TotalSeconds * 2).ToString(CultureInfo.InvariantCulture);
        info.Environment["Payment__Charges__LeaseSeconds"] = "1";
        var process = ManagedProcess.Start(info);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(process.HasExited, $"{name} exited: {string.Join('\n', process.GetRecentLines())}");
                try
                {
                    using var response = await http.GetAsync("actuator/health/readiness");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, $"{name} ready", TimeSpan.FromSeconds(60));
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}

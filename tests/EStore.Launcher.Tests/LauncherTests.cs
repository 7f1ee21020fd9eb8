using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EStore.Mesh;

namespace EStore.Launcher.Tests;

/// <summary>What a developer sees when running <c>./estore up</c>: the launcher as a real process.</summary>
public sealed partial class LauncherTests
{
    [Fact]
    public async Task Launcher_serves_the_demo_shops_and_catalog_then_with_fail_fast_names_a_killed_child_and_exits_non_zero()
    {
        await using var launcher = await RunningLauncher.StartAsync("--fail-fast");
        using (var gateway = new HttpClient { BaseAddress = launcher.GatewayUrl })
        {
            using var response = await gateway.GetAsync("/api/products?size=100");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var catalog = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(12, catalog.GetProperty("total").GetInt32());

            // The launcher turns Demo:SeedData on: shop-service's demo shops hold product-service's demo products.
            using var shopsResponse = await gateway.GetAsync("/api/shops");
            Assert.Equal(HttpStatusCode.OK, shopsResponse.StatusCode);
            var shops = JsonDocument.Parse(await shopsResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
                .ToDictionary(s => s.GetProperty("id").GetGuid(), s => s.GetProperty("name").GetString());
            Assert.Equal(["Daily Grind Kitchen", "Summit Outfitters", "Volt Electronics"], shops.Values.Order(StringComparer.Ordinal));
            Assert.All(catalog.GetProperty("items").EnumerateArray(),
                p => Assert.Equal(shops[p.GetProperty("shopId").GetGuid()], p.GetProperty("shopName").GetString()));

            using var volt = await gateway.GetAsync("/api/products?shopName=volt");
            var voltNames = JsonDocument.Parse(await volt.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
                .Select(p => p.GetProperty("name").GetString());
            Assert.Equal(["Noise-Cancelling Headphones", "USB-C Charger 65W"], voltNames);

            // The status table prints one demo login per role, and each logs in through the gateway with its role.
            var logins = launcher.Lines.Select(l => DemoLoginLine().Match(l)).Where(m => m.Success)
                .ToDictionary(m => m.Groups["role"].Value, m => (Email: m.Groups["email"].Value, Password: m.Groups["password"].Value));
            Assert.Equal(["admin", "shop owner", "shopper"], logins.Keys.Order(StringComparer.Ordinal));
            foreach (var (role, expected) in new[] { ("admin", "admin"), ("shop owner", "shop_owner"), ("shopper", "customer") })
            {
                using var login = await gateway.PostAsJsonAsync("/api/auth/login", new { email = logins[role].Email, password = logins[role].Password });
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
                using var me = new HttpRequestMessage(HttpMethod.Get, "/api/users/me") { Headers = { Authorization = new("Bearer", token) } };
                using var meResponse = await gateway.SendAsync(me);
                var account = await meResponse.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(account.GetProperty("emailVerified").GetBoolean(), $"{role} is verified");
                Assert.Contains(expected, account.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            }
        }

        Process.GetProcessById(launcher.Pids["product-service#1"]).Kill();
        var exitCode = await launcher.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, exitCode);
        Assert.Contains(launcher.Lines, l => l.Contains("product-service#1 exited unexpectedly", StringComparison.Ordinal));
        await AssertAllGoneAsync(launcher.Pids.Values);
    }

    [Fact]
    public async Task Launcher_delivers_mail_to_its_smtp4dev_inbox_runs_a_payment_sandbox_with_its_own_key_restarts_a_killed_service_then_stops_every_child_on_interrupt_and_exits_zero()
    {
        await using var launcher = await RunningLauncher.StartAsync();

        // The status table names smtp4dev's SMTP port and inbox; what is sent there shows up in the inbox's API.
        var smtpPort = launcher.Ports["smtp4dev"];
        var inbox = launcher.Lines.Select(l => InboxLine().Match(l)).Single(m => m.Success);
        Assert.Equal(smtpPort, int.Parse(inbox.Groups["smtp"].Value, System.Globalization.CultureInfo.InvariantCulture));
        var subject = "launcher mail " + Guid.NewGuid().ToString("N")[..8];
        await Smtp4devInbox.SendAsync("127.0.0.1", smtpPort, "shop@estore.example", "shopper@estore.example", subject, "hello");
        var mail = await Smtp4devInbox.WaitForAsync(new Uri(inbox.Groups["url"].Value), subject);
        Assert.Equal("shopper@estore.example", mail.GetProperty("to")[0].GetString());
        // Its database lives in the run's data directory.
        Assert.True(File.Exists(Path.Combine(launcher.DataDirectory, "smtp4dev", "smtp4dev.db")), "smtp4dev.db in the data directory");

        // The mesh's own mail lands there too: a demo shopper who forgot their password finds the reset mail that
        // identity-service's event made notification-service send.
        var shopper = launcher.Lines.Select(l => DemoLoginLine().Match(l)).First(m => m.Success && m.Groups["role"].Value == "shopper").Groups["email"].Value;
        using (var gateway = new HttpClient { BaseAddress = launcher.GatewayUrl })
        {
            using var forgot = await gateway.PostAsJsonAsync("/api/auth/forgot-password", new { email = shopper });
            Assert.True(forgot.IsSuccessStatusCode, $"forgot-password: {(int)forgot.StatusCode}");
        }
        var inboxUrl = new Uri(inbox.Groups["url"].Value);
        var reset = await Eventually.GetAsync(
            async () => (await Smtp4devInbox.ListAsync(inboxUrl)).FirstOrDefault(m =>
                m.GetProperty("subject").GetString()!.StartsWith("Reset your", StringComparison.Ordinal)
                && m.GetProperty("to")[0].GetString()!.Contains(shopper, StringComparison.OrdinalIgnoreCase)),
            m => m.ValueKind == JsonValueKind.Object, $"the reset mail to {shopper} in the inbox", TimeSpan.FromSeconds(60));
        Assert.Equal("Reset your EStore password", reset.GetProperty("subject").GetString());

        // The payment sandbox: listed with its port, answering Stripe.net with the key this run generated (kept in a
        // file, not printed), sending its events to the gateway's webhook route.
        var sandboxUrl = new Uri(launcher.Lines.Select(l => PaymentSandboxLine().Match(l)).Single(m => m.Success).Groups["url"].Value);
        Assert.Equal(launcher.Ports["payment-sandbox"], sandboxUrl.Port);
        var sandboxFile = File.ReadAllLines(Path.Combine(launcher.DataDirectory, MeshPaymentCredentials.FileName))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#')).ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.DoesNotContain(launcher.Lines, l => l.Contains(sandboxFile["API_KEY"], StringComparison.Ordinal));
        Assert.Equal(new Uri(launcher.GatewayUrl, "api/payments/webhooks/provider"), new Uri(sandboxFile["WEBHOOK_URL"]));
        var stripe = new Stripe.StripeClient(sandboxFile["API_KEY"], apiBase: sandboxUrl.ToString().TrimEnd('/'));
        var customer = await new Stripe.CustomerService(stripe).CreateAsync(new Stripe.CustomerCreateOptions { Email = "shopper@estore.example" });
        Assert.StartsWith("cus_", customer.Id, StringComparison.Ordinal);
        var wrongKey = new Stripe.StripeClient(new MeshPaymentCredentials().ApiKey, apiBase: sandboxUrl.ToString().TrimEnd('/'));
        var refused = await Assert.ThrowsAsync<Stripe.StripeException>(() => new Stripe.CustomerService(wrongKey).CreateAsync(new Stripe.CustomerCreateOptions()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);

        // Without --fail-fast a crashed service comes back on its port, the table shows its restart, and the rest
        // of the mesh never stopped.
        var killed = launcher.Pids["product-service#1"];
        System.Diagnostics.Process.GetProcessById(killed).Kill();
        var restarted = await Eventually.GetAsync(
            () => Task.FromResult(launcher.Lines.Select(l => StatusRow().Match(l)).LastOrDefault(m => m.Success && m.Groups["name"].Value == "product-service#1")),
            row => row is not null && row.Groups["restarts"].Value == "1", "the status table to show product-service#1 restarted", TimeSpan.FromSeconds(90),
            describe: _ => string.Join(Environment.NewLine, launcher.Lines.TakeLast(30)));
        var newPid = int.Parse(restarted!.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
        launcher.Pids["product-service#1 (restarted)"] = newPid;
        Assert.NotEqual(killed, newPid);
        Assert.Equal(launcher.Ports["product-service#1"], int.Parse(restarted.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(launcher.Lines, l => l.Contains("product-service#1 exited unexpectedly with code", StringComparison.Ordinal) && l.Contains("restart 1 in", StringComparison.Ordinal));
        Assert.False(launcher.Process.HasExited);
        using (var gateway = new HttpClient { BaseAddress = launcher.GatewayUrl })
        {
            var catalog = await Eventually.GetAsync(async () =>
            {
                using var response = await gateway.GetAsync("/api/products?size=100");
                return response.StatusCode;
            }, status => status == HttpStatusCode.OK, "the gateway to serve the catalog from the restarted product-service", TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, catalog);
        }

        using (var kill = Process.Start("kill", ["-INT", launcher.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        var exitCode = await launcher.ExitCodeAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        await AssertAllGoneAsync(launcher.Pids.Values);
    }

    [Fact]
    public async Task Launcher_rejects_an_unknown_app_with_a_clear_error()
    {
        var lines = new ConcurrentQueue<string>();
        var start = ManagedProcessStartInfo.ForDotnet("launcher", RunningLauncher.Dll, "up", "--scale", "warehouse-service=2");
        start.OnOutput = line => lines.Enqueue(line.Text);
        await using var process = ManagedProcess.Start(start);

        Assert.Equal(2, await process.Exited.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(lines, l => l.Contains("warehouse-service", StringComparison.Ordinal) && l.Contains("product-service", StringComparison.Ordinal));
    }

    private static Task AssertAllGoneAsync(IEnumerable<int> pids)
    {
        var launched = pids.ToList();
        return Eventually.GetAsync(() => Task.FromResult(launched.Where(pid => Directory.Exists($"/proc/{pid}") && !IsZombie(pid)).ToList()),
            alive => alive.Count == 0, "the launched processes to exit", TimeSpan.FromSeconds(10),
            describe: alive => $"still running: {string.Join(", ", alive)}");
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"^\s+(?<name>[a-z0-9-]+(#\d+)?)\s+(?<port>\d+)\s+(?<management>\d+|-)\s+(?<pid>\d+)\s+UP\s+(?<restarts>\d+|-)\s*$")]
    private static partial Regex StatusRow();

    [GeneratedRegex(@"^\s+(?<role>admin|shop owner|shopper)\s+(?<email>\S+@\S+)\s+(?<password>\S+)")]
    private static partial Regex DemoLoginLine();

    [GeneratedRegex(@"Gateway: (?<url>http://\S+)")]
    private static partial Regex GatewayLine();

    [GeneratedRegex(@"Payment sandbox: (?<url>http://\S+)")]
    private static partial Regex PaymentSandboxLine();

    [GeneratedRegex(@"Mail inbox: (?<url>http://\S+)\s+\(SMTP 127\.0\.0\.1:(?<smtp>\d+);")]
    private static partial Regex InboxLine();

    /// <summary>The launcher started with free ports and a throwaway data folder, up and ready.</summary>
    private sealed class RunningLauncher : IAsyncDisposable
    {
        private RunningLauncher(ManagedProcess process, ConcurrentQueue<string> lines, Uri gatewayUrl, Dictionary<string, int> pids,
            Dictionary<string, int> ports, string data)
        {
            Process = process;
            Lines = lines;
            GatewayUrl = gatewayUrl;
            Pids = pids;
            Ports = ports;
            DataDirectory = data;
        }

        public static string Dll => RepositoryLayout.Discover().FindDll("EStore.Launcher") ?? throw new InvalidOperationException("EStore.Launcher is not built");

        public ManagedProcess Process { get; }

        public ConcurrentQueue<string> Lines { get; }

        public Uri GatewayUrl { get; }

        public Dictionary<string, int> Pids { get; }

        /// <summary>The PORT column by row name (<c>smtp4dev</c>: its SMTP port; <c>payment-sandbox</c>: its HTTP port).</summary>
        public Dictionary<string, int> Ports { get; }

        public string DataDirectory { get; }

        public static async Task<RunningLauncher> StartAsync(params string[] options)
        {
            var data = Path.Combine(Path.GetTempPath(), "estore-launcher-test-" + Guid.NewGuid().ToString("N")[..8]);
            var lines = new ConcurrentQueue<string>();
            var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = ManagedProcessStartInfo.ForDotnet("launcher", Dll,
                ["up", "--ports", "auto", "--data", data, "--config", RepositoryLayout.CurrentBuildConfiguration, .. options]);
            start.OnOutput = line =>
            {
                lines.Enqueue(line.Text);
                if (GatewayLine().Match(line.Text) is { Success: true } match)
                {
                    ready.TrySetResult(new Uri(match.Groups["url"].Value));
                }
            };
            var process = ManagedProcess.Start(start);
            var first = await Task.WhenAny(ready.Task, process.Exited, Task.Delay(TimeSpan.FromMinutes(2)));
            if (first != ready.Task)
            {
                await process.DisposeAsync();
                throw new InvalidOperationException($"the launcher did not come up:\n{string.Join('\n', lines.TakeLast(40))}");
            }
            // The status table follows the gateway line; give it a moment to arrive.
            await Task.Delay(500);
            var rows = lines.Select(l => StatusRow().Match(l)).Where(m => m.Success).ToList();
            // The first table only: a restart prints it again.
            rows = [.. rows.DistinctBy(m => m.Groups["name"].Value)];
            var pids = rows.ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture));
            var ports = rows.ToDictionary(m => m.Groups["name"].Value, m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
            // Every process but the broker, smtp4dev and the payment sandbox shows the management port its metrics and routes answer on.
            Assert.All(rows.Where(m => m.Groups["name"].Value is not ("broker" or "smtp4dev" or "payment-sandbox")), m => Assert.Matches(@"^\d+$", m.Groups["management"].Value));
            Assert.Contains("product-service#1", pids.Keys);
            Assert.Contains("gateway#1", pids.Keys);
            Assert.Contains("discovery#1", pids.Keys);
            Assert.Contains("smtp4dev", pids.Keys);
            Assert.Contains("payment-sandbox", pids.Keys);
            return new RunningLauncher(process, lines, await ready.Task, pids, ports, data);
        }

        /// <summary>The launcher's exit code; on timeout, fails with its last lines (which process did not stop).</summary>
        public async Task<int> ExitCodeAsync(TimeSpan timeout)
        {
            try
            {
                return await Process.Exited.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"the launcher did not exit within {timeout.TotalSeconds:0} s; its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, Lines.TakeLast(40))}");
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            foreach (var pid in Pids.Values.Where(pid => Directory.Exists($"/proc/{pid}")))
            {
                try
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }
}

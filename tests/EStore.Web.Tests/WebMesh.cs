using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using EStore.Mesh;
using Microsoft.Playwright;

namespace EStore.Web.Tests;

/// <summary>
/// The broker, discovery, the gateway, identity-, product-, shop- and notification-service, and web as real processes
/// on PostgreSQL (product and shop with their demo catalog), an SMTP server in this process, and one headless
/// Debian chromium driven by Playwright. Each test gets a fresh browser context (no cookies) on the gateway's address.
/// </summary>
public sealed partial class WebMesh() : MeshFixture("webmesh", "identity-service", "product-service", "shop-service", "notification-service", "web"), IAsyncLifetime
{
    /// <summary>The store address in mails; tests open the mailed path on the gateway's own address.</summary>
    public const string StoreUrl = "http://store.test";

    /// <summary>Debian's build: Playwright's own browser download cannot work here (build/prerequisites.sh installs it).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Where a failed test leaves a screenshot of its page (tests/README.md).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>web's <c>Web:RefreshBeforeExpirySeconds</c> here (identity's access tokens last 60 s).</summary>
    public const int RefreshBeforeExpirySeconds = 55;

    /// <summary>Services started only when a test class asks for them (<see cref="StartAppsAsync"/>), each on its own database.</summary>
    private static readonly string[] OnDemand = ["cart-service", "address-service", "payment-service", "order-service"];

    private readonly Dictionary<string, string> _onDemandDatabases = OnDemand.ToDictionary(app => app, app => TestPostgres.NewDatabase($"webmesh_{app.Replace("-service", "", StringComparison.Ordinal)}"));
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _webLog = new();
    private readonly HashSet<string> _started = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The payment provider payment-service is pointed at (the test kit's sandbox in this process).</summary>
    public TestPaymentProvider PaymentProvider { get; private set; } = null!;

    public TestSmtpServer Smtp { get; private set; } = null!;

    protected override async Task ConfigureAsync(MeshHostOptions options)
    {
        Smtp = Own(TestSmtpServer.Start());
        options.OnOutput = line =>
        {
            if (line.Source.StartsWith("web", StringComparison.Ordinal))
            {
                _webLog.Enqueue($"{line.Timestamp:HH:mm:ss.fff} {line.Text}");
                while (_webLog.Count > 400 && _webLog.TryDequeue(out _))
                {
                }
            }
        };
        PaymentProvider = Own(await TestPaymentProvider.StartAsync());
        foreach (var (app, database) in _onDemandDatabases)
        {
            options.Databases[app] = new MeshDatabase("Postgres", database);
        }
        options.AppEnvironment["payment-service"] = PaymentProvider.PaymentServiceSettings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => (string?)s.Value);
        options.SeedDemoData = true;
        options.Environment["Messaging__Relay__PollIntervalMs"] = "100";
        // Access tokens of one minute, refreshed by web when less than 55 s are left: a session refreshes after 5 s.
        options.AppEnvironment["identity-service"] = new Dictionary<string, string?> { ["Identity__Tokens__AccessTokenMinutes"] = "1" };
        MeshSettings.RaiseIdentityRateLimits(options.AppEnvironment["identity-service"]);
        options.AppEnvironment["web"] = new Dictionary<string, string?>
        {
            ["Web__RefreshBeforeExpirySeconds"] = RefreshBeforeExpirySeconds.ToString(CultureInfo.InvariantCulture),
            // A test machine shared with builds can be slow: an API call may take longer than a shopper would wait.
            ["Web__GatewayTimeoutSeconds"] = "30",
        };
        // Every sign-in of these tests comes from web's one address: the per-IP limit on credentials would trip; so would
        // the per-caller limit (anonymous pages count per address) once a minute holds several checkouts' pages.
        options.AppEnvironment["gateway"] = new Dictionary<string, string?>
        {
            ["Gateway__RateLimits__Strict__PermitLimit"] = "1000",
            ["Gateway__RateLimits__PerUser__PermitLimit"] = "100000",
        };
        options.AppEnvironment["notification-service"] = new Dictionary<string, string?>
        {
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications__StoreUrl"] = StoreUrl,
            ["Notifications__PollIntervalMs"] = "200",
        };
    }

    /// <summary>
    /// Starts <paramref name="apps"/> in this mesh unless they already run (a test class that needs carts, addresses or
    /// payment methods asks in its constructor's first test), and waits until the gateway routes them.
    /// </summary>
    public async Task StartAppsAsync(params string[] apps)
    {
        await _starting.WaitAsync();
        try
        {
            foreach (var app in apps.Where(a => !_started.Contains(a)))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await Mesh.StartInstanceAsync(app, timeout.Token);
                _started.Add(app);
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Expectations wait as long as actions do: a loaded CI machine takes more than Playwright's 5 s to render a page.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        // Root in a container has no user namespaces for chromium's sandbox.
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public new async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
        foreach (var database in _onDemandDatabases.Values)
        {
            await TestPostgres.DropAsync(database);
        }
        _starting.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="test"/> with a new page on the gateway; when it fails, saves a full-page screenshot as
    /// <c>screenshots/{name}.png</c> next to the test assembly (and web's latest log lines as <c>{name}.web.log</c>), then fails with the original error.
    /// </summary>
    public async Task InBrowserAsync(string name, Func<IPage, Task> test)
    {
        await using var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = Gateway.BaseAddress!.ToString() });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        try
        {
            await test(page);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotDirectory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
            await File.WriteAllLinesAsync(Path.Combine(ScreenshotDirectory, name + ".web.log"), _webLog);
            throw;
        }
    }

    /// <summary>Registers a new user through the API and signs in through the sign-in page; answers the e-mail address.</summary>
    public async Task<string> SignInNewUserAsync(IPage page, string name = "Web Shopper")
    {
        var email = $"web-{Guid.NewGuid():N}@example.test";
        using (var registered = await Gateway.PostAsJsonAsync("/api/auth/register", new { email, password = UserPassword, name }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        await SignInAsync(page, email);
        return email;
    }

    /// <summary>Signs <paramref name="email"/> in through the sign-in page.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = UserPassword)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(email);
    }

    /// <summary>The password of the users <see cref="SignInNewUserAsync"/> registers.</summary>
    public const string UserPassword = "correct horse battery staple";

    /// <summary>The path and query of the link in the newest mail to <paramref name="email"/> with <paramref name="subject"/>, e.g. <c>/verify-email?token=...</c>.</summary>
    public async Task<string> MailedLinkAsync(string email, string subject, string path)
    {
        var mail = await Smtp.WaitForAsync(email, subject, TimeSpan.FromSeconds(60));
        var link = MailedLink().Matches(mail.TextBody ?? "").Select(m => m.Groups["link"].Value).FirstOrDefault(l => l.StartsWith(path, StringComparison.Ordinal));
        Assert.True(link is not null, $"no {path} link in: {mail.TextBody}");
        return link;
    }

    [GeneratedRegex(@"http://store\.test(?<link>/[^\s""<>]+)")]
    private static partial Regex MailedLink();
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace EStore.Mesh;

/// <summary>
/// The payment provider's secrets: a test-mode API key and webhook secret, fresh when made, or those of an earlier run
/// read back from its data folder (<see cref="LoadOrCreate"/>), so the sandbox's kept state (saved cards, charges) stays
/// reachable across runs. payment-service gets them as <c>Payment__Provider__ApiKey</c> and
/// <c>Payment__Provider__WebhookSecret</c>.
/// </summary>
public sealed partial class MeshPaymentCredentials
{
    /// <summary>Name of the file, in the run's data folder, that holds the sandbox's URL and secrets for people and tools.</summary>
    public const string FileName = "payment-sandbox.txt";

    /// <summary>Fresh secrets.</summary>
    public MeshPaymentCredentials()
        : this("sk_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)))
    {
    }

    private MeshPaymentCredentials(string apiKey, string webhookSecret)
    {
        ApiKey = apiKey;
        WebhookSecret = webhookSecret;
    }

    /// <summary>The secret API key, <c>sk_test_</c> and 48 hex digits.</summary>
    public string ApiKey { get; }

    /// <summary>The webhook signing secret, <c>whsec_</c> and 48 hex digits.</summary>
    public string WebhookSecret { get; }

    /// <summary>
    /// The secrets an earlier run wrote to <paramref name="path"/> (<see cref="MeshPaymentSandbox.WriteFile"/>), or fresh
    /// ones when there is no such file or it does not hold a well-formed key and secret.
    /// </summary>
    public static MeshPaymentCredentials LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            return new MeshPaymentCredentials();
        }
        var values = File.ReadAllLines(path).Select(l => l.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.Ordinal);
        return values.GetValueOrDefault("API_KEY") is { } key && ApiKeyShape().IsMatch(key)
               && values.GetValueOrDefault("WEBHOOK_SECRET") is { } secret && WebhookSecretShape().IsMatch(secret)
            ? new MeshPaymentCredentials(key, secret)
            : new MeshPaymentCredentials();
    }

    [System.Text.RegularExpressions.GeneratedRegex("^sk_test_[0-9a-f]{48}$")]
    private static partial System.Text.RegularExpressions.Regex ApiKeyShape();

    [System.Text.RegularExpressions.GeneratedRegex("^whsec_[0-9a-f]{48}$")]
    private static partial System.Text.RegularExpressions.Regex WebhookSecretShape();
}

/// <summary>How to start the payment sandbox (<see cref="MeshPaymentSandbox"/>).</summary>
public sealed class MeshPaymentSandboxOptions
{
    /// <summary>The port of <c>./estore up</c>.</summary>
    public const int FixedPort = 12111;

    /// <summary>Where to find its build; null to discover the repository.</summary>
    public RepositoryLayout? Layout { get; set; }

    /// <summary>The port on 127.0.0.1; 0 for one free now.</summary>
    public int Port { get; set; } = FixedPort;

    /// <summary>Its API key and webhook secret.</summary>
    public MeshPaymentCredentials Credentials { get; set; } = new();

    /// <summary>Where it sends its events (<c>Sandbox:WebhookUrl</c>); null for none.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Where it keeps its state (<c>Sandbox:DataDirectory</c>); null keeps it in memory.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The name its log lines carry.</summary>
    public string Name { get; set; } = "payment-sandbox";

    /// <summary>How long it may take to answer.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives its log lines.</summary>
    public Action<ProcessLogLine>? OnOutput { get; set; }
}

/// <summary>
/// The payment sandbox (<c>tools/EStore.PaymentSandbox</c>, Stripe's API subset) as a child process, as
/// smtp4dev is: the mesh's outside payment provider. It stops when its standard input closes, so it never outlives a
/// killed launcher.
/// </summary>
public sealed class MeshPaymentSandbox : IAsyncDisposable
{
    /// <summary>Its project and assembly name.</summary>
    public const string ProjectName = "EStore.PaymentSandbox";

    /// <summary>Where payment-service receives the provider's events, below the gateway's URL.</summary>
    public const string WebhookPath = "api/payments/webhooks/provider";

    private MeshPaymentSandbox(ManagedProcess process, Uri baseUrl, MeshPaymentCredentials credentials, Uri? webhookUrl)
    {
        Process = process;
        BaseUrl = baseUrl;
        Credentials = credentials;
        WebhookUrl = webhookUrl;
    }

    /// <summary>The sandbox process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>Its base URL, e.g. <c>http://127.0.0.1:12111/</c> (Stripe.net's <c>ApiBase</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Its API key and webhook secret.</summary>
    public MeshPaymentCredentials Credentials { get; }

    /// <summary>Where it sends its events; null for nowhere.</summary>
    public Uri? WebhookUrl { get; }

    /// <summary>Starts the sandbox and waits until it answers an authenticated call.</summary>
    /// <exception cref="MeshStartupException">It is not built, exited early or did not answer in time.</exception>
    public static async Task<MeshPaymentSandbox> StartAsync(MeshPaymentSandboxOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = options.Layout ?? RepositoryLayout.Discover();
        var dll = layout.FindDll(ProjectName)
            ?? throw new MeshStartupException(options.Name,
                $"{options.Name} is not built: {layout.GetExpectedDllPath(ProjectName)} does not exist (dotnet build tools/EStore.PaymentSandbox)", []);
        var port = options.Port == 0 ? FreePort() : options.Port;
        var baseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");

        var info = ManagedProcessStartInfo.ForDotnet(options.Name, dll);
        info.Environment["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/');
        info.Environment["ASPNETCORE_ENVIRONMENT"] = null;
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["Mesh__ExitOnStdinClose"] = "true";
        info.Environment["Sandbox__ApiKey"] = options.Credentials.ApiKey;
        info.Environment["Sandbox__WebhookSecret"] = options.Credentials.WebhookSecret;
        info.Environment["Sandbox__WebhookUrl"] = options.WebhookUrl?.ToString();
        info.Environment["Sandbox__DataDirectory"] = options.DataDirectory;
        info.OnOutput = options.OnOutput;

        var process = ManagedProcess.Start(info);
        try
        {
            await WaitReadyAsync(process, baseUrl, options.Credentials.ApiKey, options.StartTimeout, cancellationToken).ConfigureAwait(false);
            return new MeshPaymentSandbox(process, baseUrl, options.Credentials, options.WebhookUrl);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Writes the sandbox's URL, API key and webhook secret to <paramref name="path"/>, readable by the owner only, for
    /// people who want to look at its charges (<c>curl -u KEY: URL/sandbox/charges</c>).
    /// </summary>
    public void WriteFile(string path) =>
        MeshCredentials.WriteOwnerOnly(path, new StringBuilder()
            .AppendLine("# EStore payment sandbox (Stripe API, test mode). Its key and secret are kept across runs with its state; delete this file for new ones.")
            .AppendLine(CultureInfo.InvariantCulture, $"# Its charges: curl -u \"$API_KEY:\" {BaseUrl}sandbox/charges")
            .AppendLine(CultureInfo.InvariantCulture, $"BASE_URL={BaseUrl}")
            .AppendLine(CultureInfo.InvariantCulture, $"API_KEY={Credentials.ApiKey}")
            .AppendLine(CultureInfo.InvariantCulture, $"WEBHOOK_SECRET={Credentials.WebhookSecret}")
            .AppendLine(CultureInfo.InvariantCulture, $"WEBHOOK_URL={WebhookUrl}")
            .ToString());

    /// <summary>Stops the sandbox (SIGTERM, then SIGKILL after the default grace).</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static async Task WaitReadyAsync(ManagedProcess process, Uri baseUrl, string apiKey, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var probe = new Uri(baseUrl, "v1/payment_intents?limit=1");
        await ChildReadiness.WaitAsync(process, timeout, async token =>
        {
            // An authenticated call: it proves the key it was given is the one payment-service will present.
            using var request = new HttpRequestMessage(HttpMethod.Get, probe);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            using var response = await http.SendAsync(request, token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"GET {probe} gave HTTP {(int)response.StatusCode}";
        }, cancellationToken).ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Http.Headers;

namespace EStore.Mesh.Tests;

/// <summary>The payment sandbox (tools/EStore.PaymentSandbox) as the launcher runs it, and what payment-service is told about it.</summary>
public sealed class PaymentSandboxProcessTests
{
    [Fact]
    public async Task Sandbox_process_answers_its_generated_key_only_and_stops_on_SIGTERM()
    {
        var credentials = new MeshPaymentCredentials();
        await using var sandbox = await MeshPaymentSandbox.StartAsync(new MeshPaymentSandboxOptions { Layout = RepositoryLayout.Discover(), Port = 0, Credentials = credentials })
            .WaitAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = sandbox.BaseUrl };

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, credentials.ApiKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, new MeshPaymentCredentials().ApiKey));

        Assert.Equal(0, await sandbox.Process.StopAsync(TimeSpan.FromSeconds(15)));
        using var probe = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, sandbox.BaseUrl.Port));
    }

    [Fact]
    public async Task Sandbox_process_stops_when_its_standard_input_closes()
    {
        await using var sandbox = await MeshPaymentSandbox.StartAsync(new MeshPaymentSandboxOptions { Layout = RepositoryLayout.Discover(), Port = 0 })
            .WaitAsync(TimeSpan.FromSeconds(60));

        sandbox.Process.CloseStandardInput();

        Assert.Equal(0, await sandbox.Process.Exited.WaitAsync(TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Mesh_starts_the_sandbox_once_the_gateway_is_up_sends_its_webhooks_there_and_stops_it_with_the_rest()
    {
        var options = MeshHostOptions.ForTests();
        options.Apps = [];
        options.StartPaymentSandbox = true;
        MeshPaymentSandbox sandbox;
        await using (var mesh = await MeshHost.StartAsync(options).WaitAsync(TimeSpan.FromMinutes(3)))
        {
            sandbox = mesh.PaymentSandbox!;
            Assert.NotNull(sandbox);
            Assert.Equal(new Uri(mesh.GatewayUrl, "api/payments/webhooks/provider"), sandbox.WebhookUrl);
            Assert.NotEqual(MeshPaymentSandboxOptions.FixedPort, sandbox.BaseUrl.Port);
            using var http = new HttpClient { BaseAddress = sandbox.BaseUrl };
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, mesh.PaymentCredentials.ApiKey));
            Assert.Contains($"API_KEY={mesh.PaymentCredentials.ApiKey}",
                await File.ReadAllLinesAsync(Path.Combine(mesh.DataDirectory, MeshPaymentCredentials.FileName)));
        }

        Assert.True(sandbox.Process.HasExited, "the sandbox outlived the mesh");
    }

    [Fact]
    public async Task A_second_run_on_the_same_data_folder_keeps_the_sandbox_key_and_what_the_sandbox_held()
    {
        var data = Path.Combine(Path.GetTempPath(), $"estore-mesh-payment-{Guid.NewGuid():N}");
        string key, customer;
        try
        {
            await using (var first = await StartSandboxMeshAsync(data))
            {
                key = first.PaymentCredentials.ApiKey;
                using var http = new HttpClient { BaseAddress = first.PaymentSandbox!.BaseUrl };
                using var create = new HttpRequestMessage(HttpMethod.Post, "v1/customers") { Content = new FormUrlEncodedContent([new("email", "ada@estore.example")]) };
                create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                using var created = await http.SendAsync(create);
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
                customer = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            }

            await using var second = await StartSandboxMeshAsync(data);

            Assert.Equal(key, second.PaymentCredentials.ApiKey);
            using var again = new HttpClient { BaseAddress = second.PaymentSandbox!.BaseUrl };
            using var read = new HttpRequestMessage(HttpMethod.Get, $"v1/customers/{customer}");
            read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var found = await again.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.True(File.Exists(Path.Combine(data, "payment-sandbox-state.json")), "the sandbox's state file in the data folder");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Kept_credentials_are_read_back_and_a_missing_or_mangled_file_gives_fresh_ones()
    {
        var path = Path.Combine(Path.GetTempPath(), $"estore-payment-{Guid.NewGuid():N}.txt");
        var credentials = new MeshPaymentCredentials();
        await using var sandbox = await MeshPaymentSandbox.StartAsync(new MeshPaymentSandboxOptions { Layout = RepositoryLayout.Discover(), Port = 0, Credentials = credentials })
            .WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            var fresh = MeshPaymentCredentials.LoadOrCreate(path);
            sandbox.WriteFile(path);
            var kept = MeshPaymentCredentials.LoadOrCreate(path);
            File.WriteAllText(path, "API_KEY=sk_live_stolen\nWEBHOOK_SECRET=whsec_x\n");
            var mangled = MeshPaymentCredentials.LoadOrCreate(path);

            Assert.NotEqual(credentials.ApiKey, fresh.ApiKey);
            Assert.Equal((credentials.ApiKey, credentials.WebhookSecret), (kept.ApiKey, kept.WebhookSecret));
            Assert.Matches("^sk_test_[0-9a-f]{48}$", mangled.ApiKey);
            Assert.Matches("^whsec_[0-9a-f]{48}$", mangled.WebhookSecret);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Only_payment_service_is_pointed_at_the_sandbox_with_this_runs_key_and_secret()
    {
        var credentials = new MeshPaymentCredentials();
        var url = new Uri("http://127.0.0.1:12111/");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Payment__Provider__BaseUrl"] = "http://127.0.0.1:12111",
                ["Payment__Provider__ApiKey"] = credentials.ApiKey,
                ["Payment__Provider__WebhookSecret"] = credentials.WebhookSecret,
            },
            MeshHost.PaymentProviderEnvironment("payment-service", url, credentials));
        Assert.Empty(MeshHost.PaymentProviderEnvironment("order-service", url, credentials));
        Assert.Empty(MeshHost.PaymentProviderEnvironment("payment-service", null, credentials));
    }

    [Fact]
    public void Every_run_gets_a_fresh_test_key_and_webhook_secret()
    {
        var run = new MeshPaymentCredentials();
        var next = new MeshPaymentCredentials();

        Assert.Matches("^sk_test_[0-9a-f]{48}$", run.ApiKey);
        Assert.Matches("^whsec_[0-9a-f]{48}$", run.WebhookSecret);
        Assert.NotEqual(run.ApiKey, next.ApiKey);
        Assert.NotEqual(run.WebhookSecret, next.WebhookSecret);
    }

    [Fact]
    public void The_launcher_always_starts_the_sandbox_and_test_meshes_only_with_payment_service()
    {
        Assert.True(MeshCommandLine.Parse(["up"]).Arguments!.ToHostOptions().StartPaymentSandbox);
        Assert.Null(MeshHostOptions.ForTests().StartPaymentSandbox);
    }

    [Fact]
    public async Task The_sandbox_file_holds_its_url_and_secrets_for_its_owner_only()
    {
        var path = Path.Combine(Path.GetTempPath(), $"estore-payment-{Guid.NewGuid():N}.txt");
        var credentials = new MeshPaymentCredentials();
        await using var sandbox = await MeshPaymentSandbox.StartAsync(new MeshPaymentSandboxOptions
        {
            Layout = RepositoryLayout.Discover(),
            Port = 0,
            Credentials = credentials,
            WebhookUrl = new Uri("http://127.0.0.1:8080/api/payments/webhooks/provider"),
        }).WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            sandbox.WriteFile(path);

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            var lines = File.ReadAllLines(path);
            Assert.Contains($"API_KEY={credentials.ApiKey}", lines);
            Assert.Contains($"WEBHOOK_SECRET={credentials.WebhookSecret}", lines);
            Assert.Contains($"BASE_URL={sandbox.BaseUrl}", lines);
            Assert.Contains("WEBHOOK_URL=http://127.0.0.1:8080/api/payments/webhooks/provider", lines);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Task<MeshHost> StartSandboxMeshAsync(string data)
    {
        var options = MeshHostOptions.ForTests();
        options.Apps = [];
        options.StartPaymentSandbox = true;
        options.DataDirectory = data;
        options.DeleteDataDirectoryOnDispose = false;
        return MeshHost.StartAsync(options).WaitAsync(TimeSpan.FromMinutes(3));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/payment_intents?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}

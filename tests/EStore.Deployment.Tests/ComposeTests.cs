using System.Text.RegularExpressions;
using EStore.Mesh;
using YamlDotNet.RepresentationModel;

namespace EStore.Deployment.Tests;

/// <summary>
/// docker-compose.yml as <c>docker-compose config</c> (Debian's 1.29, the compose file's own parser) renders it: every
/// process of the launcher's catalog with the infrastructure it needs, started in health order, each service on its
/// own database, Kafka principal and discovery credential, nothing published that should not be, and every stateless
/// service free to <c>--scale</c>. No Docker engine runs here: the file must still be right.
/// </summary>
public sealed class ComposeTests
{
    private const string TokensKey = "ACCOUNT_TOKENS_KEY";
    private const string FeedKey = "FEED_CREDENTIALS_KEY";
    private const string SomeKey = "dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LTMyYg==";

    private static readonly string[] Infrastructure = ["postgres", "kafka", "kafka-init", "zipkin", "smtp4dev", "payment-sandbox"];

    [Fact]
    public async Task Compose_renders_every_process_of_the_launcher_and_the_infrastructure_it_needs()
    {
        var services = await RenderAsync();

        var expected = ServiceCatalog.All
            .SelectMany(d => d.Role == MeshRole.Discovery ? ["discovery-1", "discovery-2"] : new[] { d.AppName })
            .Concat(Infrastructure);
        Assert.Equal(expected.Order(), services.Keys.Order());
    }

    [Fact]
    public async Task Without_the_account_tokens_key_compose_refuses_naming_the_variable()
    {
        var (exitCode, _, errors) = await ComposeAsync(["config", "--quiet"], tokensKey: null, feedKey: SomeKey);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(TokensKey, errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_feed_credentials_key_compose_refuses_naming_the_variable_and_only_product_service_gets_it()
    {
        var (exitCode, _, errors) = await ComposeAsync(["config", "--quiet"], tokensKey: SomeKey, feedKey: null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(FeedKey, errors, StringComparison.Ordinal);
        var services = await RenderAsync();
        Assert.Equal(["product-service"], services
            .Where(s => s.Value.Children.ContainsKey(new YamlScalarNode("environment")) && Environment(s.Value).ContainsKey("Feeds__CredentialKey"))
            .Select(s => s.Key));
        Assert.Equal(SomeKey, Environment(services["product-service"])["Feeds__CredentialKey"]);
    }

    [Fact]
    public async Task Every_service_starts_only_after_its_database_the_broker_setup_and_discovery_are_ready()
    {
        var services = await RenderAsync();

        foreach (var service in ServiceCatalog.Services)
        {
            var waits = DependsOn(services[service.AppName]);
            Assert.Equal("service_healthy", waits.GetValueOrDefault("postgres"));
            Assert.Equal("service_completed_successfully", waits.GetValueOrDefault("kafka-init"));
            Assert.Equal("service_healthy", waits.GetValueOrDefault("discovery-1"));
        }
        Assert.Equal("service_healthy", DependsOn(services["payment-service"]).GetValueOrDefault("payment-sandbox"));
        Assert.Equal("service_healthy", DependsOn(services["web"]).GetValueOrDefault("gateway"));
        Assert.Equal("service_healthy", DependsOn(services["gateway"]).GetValueOrDefault("discovery-1"));
    }

    [Fact]
    public async Task Each_service_has_its_own_database_Kafka_principal_and_a_discovery_credential_both_peers_know()
    {
        var services = await RenderAsync();
        var script = Tooling.Read("build", "kafka", "init-security.sh");
        var databases = new Dictionary<string, string>();

        foreach (var service in ServiceCatalog.Services)
        {
            var environment = Environment(services[service.AppName]);
            var database = Regex.Match(environment["ConnectionStrings__Default"], "Database=([^;]+)").Groups[1].Value;
            Assert.True(databases.TryAdd(database, service.AppName), $"{service.AppName} shares database {database} with {databases.GetValueOrDefault(database)}");
            Assert.Equal(service.AppName, environment["Kafka__SaslUsername"]);
            Assert.Matches(new Regex($"^principal {Regex.Escape(service.AppName)} ", RegexOptions.Multiline), script);
        }
        foreach (var app in ServiceCatalog.All.Where(d => d.Role != MeshRole.Discovery).Select(d => d.AppName))
        {
            var urls = Environment(services[app])["Eureka__Client__ServiceUrl"].Split(',');
            Assert.Equal(2, urls.Length);
            foreach (var url in urls.Select(u => new Uri(u)))
            {
                var (user, secret) = (url.UserInfo.Split(':')[0], url.UserInfo.Split(':')[1]);
                Assert.Equal(app, user);
                Assert.All(new[] { "discovery-1", "discovery-2" }, peer => Assert.Equal(secret, Environment(services[peer])[$"Discovery__Security__Apps__{app}"]));
            }
        }
    }

    [Fact]
    public async Task Only_the_gateway_discovery_and_zipkin_are_published_and_the_mail_inbox_and_sandbox_on_loopback_only()
    {
        var services = await RenderAsync();

        var published = services.Where(s => Ports(s.Value).Count > 0).ToDictionary(s => s.Key, s => Ports(s.Value));
        Assert.Equal(["discovery-1", "gateway", "payment-sandbox", "smtp4dev", "zipkin"], published.Keys.Order());
        Assert.All(published["smtp4dev"].Concat(published["payment-sandbox"]), port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));
        // Management endpoints (port 9090 in every container) answer inside the network only.
        Assert.DoesNotContain(published.Values.SelectMany(p => p), port => port.EndsWith(":9090", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_stateless_process_can_be_scaled_without_a_fixed_name_or_host_port()
    {
        var services = await RenderAsync();

        foreach (var app in ServiceCatalog.All.Where(d => d.Role is MeshRole.Service or MeshRole.Frontend).Select(d => d.AppName))
        {
            var service = services[app];
            Assert.False(service.Children.ContainsKey(new YamlScalarNode("container_name")), $"{app} has a container_name: --scale would clash");
            Assert.Empty(Ports(service));
        }
    }

    /// <summary>The services of <c>docker-compose config</c>'s answer, by name.</summary>
    private static async Task<Dictionary<string, YamlMappingNode>> RenderAsync()
    {
        var (exitCode, output, errors) = await ComposeAsync(["config"], tokensKey: SomeKey, feedKey: SomeKey);
        Assert.True(exitCode == 0, $"docker-compose config failed ({exitCode}): {errors}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return ((YamlMappingNode)root["services"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value);
    }

    private static Task<(int ExitCode, string Output, string Errors)> ComposeAsync(IEnumerable<string> arguments, string? tokensKey, string? feedKey)
    {
        var program = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, "docker-compose"))
            .FirstOrDefault(File.Exists);
        Assert.True(program is not null, "no docker-compose: run build/prerequisites.sh test (it installs Debian's docker-compose)");
        // The file's ${VAR:-default}s apply, not this machine's environment; only the required key is chosen here.
        var environment = new Dictionary<string, string?> { [TokensKey] = tokensKey, [FeedKey] = feedKey };
        foreach (var name in new[] { "PAYMENT_PROVIDER_URL", "PAYMENT_PROVIDER_API_KEY", "PAYMENT_PROVIDER_WEBHOOK_SECRET" })
        {
            environment[name] = null;
        }
        return Tooling.RunAsync(program, ["--project-directory", Tooling.Root, "-f", Tooling.PathOf("docker-compose.yml"), .. arguments], environment: environment);
    }

    private static Dictionary<string, string> DependsOn(YamlMappingNode service) =>
        service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var node) && node is YamlMappingNode waits
            ? waits.Children.ToDictionary(w => ((YamlScalarNode)w.Key).Value!, w => ((YamlScalarNode)((YamlMappingNode)w.Value)["condition"]).Value!)
            : [];

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "");

    // docker-compose 1.29 renders a port as "host_ip:published:target" text or as a mapping (target, published, host_ip).
    private static List<string> Ports(YamlMappingNode service) =>
        service.Children.TryGetValue(new YamlScalarNode("ports"), out var node) && node is YamlSequenceNode ports
            ? [.. ports.Children.Select(p => p switch
            {
                YamlScalarNode text => text.Value!.Replace("/tcp", "", StringComparison.Ordinal),
                YamlMappingNode map => string.Join(':', new[] { "host_ip", "published", "target" }
                    .Where(k => map.Children.ContainsKey(new YamlScalarNode(k))).Select(k => ((YamlScalarNode)map[k]).Value)),
                _ => p.ToString(),
            })]
            : [];
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace EStore.Mesh.Tests;

/// <summary>
/// The places that list the mesh's processes must agree: the launcher's <see cref="ServiceCatalog"/>, the README and
/// architecture ports tables, the gateway's routes, docker-compose.yml and the Kafka principals. A service added in
/// one place and forgotten in another fails here, naming the place.
/// </summary>
public sealed partial class MeshConsistencyTests
{
    private static readonly RepositoryLayout Layout = RepositoryLayout.Discover();

    [Fact]
    public void README_ports_table_lists_every_launcher_process_with_its_port()
    {
        var rows = PortRows(Read("README.md"), appColumn: 1, portColumn: 2);

        Assert.Equal(LauncherPorts(), rows.OrderBy(r => r.Key).ToList());
    }

    [Fact]
    public void Architecture_services_table_agrees_on_ports_and_on_what_is_built()
    {
        var rows = Rows(Read("docs/architecture.md"))
            .Where(cells => cells.Length >= 5 && int.TryParse(cells[1], out _) && ServiceCatalog.TryFind(cells[0], out _))
            .ToList();

        Assert.Equal(LauncherPorts(), rows.Select(c => KeyValuePair.Create(c[0], int.Parse(c[1]))).OrderBy(r => r.Key).ToList());
        var saidBuilt = rows.Where(c => c[^1] == "yes" && ServiceCatalog.Get(c[0]).Role == MeshRole.Service).Select(c => c[0]).Order();
        Assert.Equal(BuiltApps().Order(), saidBuilt);
    }

    [Fact]
    public void Gateway_routes_lead_only_to_known_services_and_every_service_has_a_route()
    {
        using var settings = JsonDocument.Parse(Read("gateway/appsettings.json"));
        var clusters = settings.RootElement.GetProperty("ReverseProxy").GetProperty("Routes").EnumerateObject()
            .Select(route => route.Value.GetProperty("ClusterId").GetString()!)
            .Distinct()
            .Order()
            .ToList();

        Assert.Equal(ServiceCatalog.All.Where(d => d.Role is MeshRole.Service or MeshRole.Frontend).Select(s => s.AppName).Order(), clusters);
    }

    [Fact]
    public void Docker_compose_runs_every_built_service_and_nothing_unbuilt()
    {
        var compose = Read("docker-compose.yml");
        var composeServices = ComposeServiceName().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();

        var built = BuiltApps().ToList();
        Assert.Equal(built.Order(), composeServices.Where(name => ServiceCatalog.TryFind(name, out var d) && d.Role == MeshRole.Service).Order());
        foreach (var app in built)
        {
            var project = ServiceCatalog.Get(app).ProjectName;
            Assert.Contains($"ASSEMBLY: {project} ", compose, StringComparison.Ordinal);
            Assert.Contains($"Discovery__Security__Apps__{app}:", compose, StringComparison.Ordinal);
        }
        Assert.Contains("gateway", composeServices);
        Assert.Contains("discovery-1", composeServices);
    }

    [Fact]
    public void Docker_compose_runs_smtp4dev_and_gives_every_service_its_SMTP_address()
    {
        var compose = Read("docker-compose.yml");

        Assert.Contains("smtp4dev", ComposeServiceName().Matches(compose).Select(m => m.Groups[1].Value));
        Assert.Contains("image: rnwood/smtp4dev:", compose, StringComparison.Ordinal);
        // In the environment every service merges (x-service), so notification-service gets it too.
        var serviceEnvironment = compose[compose.IndexOf("x-service: &service", StringComparison.Ordinal)..compose.IndexOf("\nservices:", StringComparison.Ordinal)];
        Assert.Contains("Smtp__Host: smtp4dev", serviceEnvironment, StringComparison.Ordinal);
        Assert.Contains("Smtp__Port: \"25\"", serviceEnvironment, StringComparison.Ordinal);
        // The inbox shows every mail: published on the host's loopback only.
        Assert.Contains("\"127.0.0.1:8025:80\"", compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_built_service_has_a_Kafka_principal_on_the_secured_broker()
    {
        var script = Read("build/kafka/init-security.sh");

        foreach (var app in BuiltApps())
        {
            Assert.Matches(new Regex($"^principal {Regex.Escape(app)} ", RegexOptions.Multiline), script);
        }
    }

    // A service is built once its project is in the solution; the launcher starts exactly those.
    private static IEnumerable<string> BuiltApps()
    {
        var solution = Read(RepositoryLayout.SolutionFileName);
        return ServiceCatalog.Services.Where(s => solution.Contains($"\"{s.ProjectName}\"", StringComparison.Ordinal)).Select(s => s.AppName);
    }

    private static List<KeyValuePair<string, int>> LauncherPorts() =>
        [.. ServiceCatalog.All.Select(d => KeyValuePair.Create(d.AppName, d.DefaultPort)).OrderBy(r => r.Key)];

    private static IEnumerable<KeyValuePair<string, int>> PortRows(string markdown, int appColumn, int portColumn) =>
        Rows(markdown)
            .Where(cells => cells.Length > Math.Max(appColumn, portColumn) && int.TryParse(cells[portColumn], out _))
            .Select(cells => KeyValuePair.Create(cells[appColumn], int.Parse(cells[portColumn])));

    private static IEnumerable<string[]> Rows(string markdown) =>
        markdown.Split('\n')
            .Where(line => line.StartsWith('|'))
            .Select(line => line.Trim().Trim('|').Split('|').Select(cell => cell.Trim()).ToArray());

    private static string Read(string relativePath) => File.ReadAllText(Path.Combine(Layout.Root, relativePath));

    // Top-level entries under "services:" are indented by exactly two spaces.
    [GeneratedRegex(@"^  ([a-z0-9-]+):\s*$", RegexOptions.Multiline)]
    private static partial Regex ComposeServiceName();
}

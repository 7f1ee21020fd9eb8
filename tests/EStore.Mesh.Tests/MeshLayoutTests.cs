namespace EStore.Mesh.Tests;

public sealed class MeshLayoutTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "estore-layout-" + Guid.NewGuid().ToString("N"));

    public MeshLayoutTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "tools", "deep"));
        File.WriteAllText(Path.Combine(_root, RepositoryLayout.SolutionFileName), "");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Root_is_found_upward_and_dll_paths_follow_the_artifacts_layout()
    {
        var layout = RepositoryLayout.Discover(Path.Combine(_root, "tools", "deep"), "Release");

        Assert.Equal(_root, layout.Root);
        Assert.Equal(Path.Combine(_root, "artifacts", "bin", "EStore.Product", "release", "EStore.Product.dll"), layout.GetExpectedDllPath("EStore.Product"));
    }

    [Fact]
    public void Automatic_configuration_falls_back_to_the_other_build_but_an_explicit_one_does_not()
    {
        var other = RepositoryLayout.CurrentBuildConfiguration == "debug" ? "release" : "debug";
        var dll = Path.Combine(_root, "artifacts", "bin", "EStore.Product", other, "EStore.Product.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
        File.WriteAllText(dll, "");

        Assert.Equal(dll, new RepositoryLayout(_root).FindDll("EStore.Product"));
        Assert.Null(new RepositoryLayout(_root, RepositoryLayout.CurrentBuildConfiguration).FindDll("EStore.Product"));
        Assert.Equal(dll, new RepositoryLayout(_root, other).FindDll("EStore.Product"));
    }

    [Fact]
    public void Catalog_holds_the_architecture_table_with_unique_ports()
    {
        Assert.Equal(11, ServiceCatalog.All.Count);
        Assert.Equal(ServiceCatalog.All.Count, ServiceCatalog.All.Select(d => d.DefaultPort).Distinct().Count());
        Assert.Equal(new MeshServiceDefinition("product-service", "EStore.Product", 8082, MeshRole.Service), ServiceCatalog.Get("Product-Service"));
        Assert.False(ServiceCatalog.Discovery.OwnsData);
        Assert.False(ServiceCatalog.Gateway.OwnsData);
        Assert.All(ServiceCatalog.Services, s => Assert.True(s.OwnsData));
        // The front end owns no data and is no business service: no database, no Kafka principal.
        Assert.Equal(new MeshServiceDefinition("web", "EStore.Web", 8089, MeshRole.Frontend), ServiceCatalog.Get("web"));
        Assert.False(ServiceCatalog.Get("web").OwnsData);
        Assert.DoesNotContain(ServiceCatalog.Get("web"), ServiceCatalog.Services);
    }

    [Fact]
    public async Task MeshHost_refuses_to_start_when_discovery_is_not_built_and_names_the_missing_dll()
    {
        var options = new MeshHostOptions { RepositoryRoot = _root, KafkaBootstrapServers = "127.0.0.1:1" };

        var ex = await Assert.ThrowsAsync<MeshStartupException>(() => MeshHost.StartAsync(options));

        Assert.Equal("discovery", ex.ProcessName);
        Assert.Contains("EStore.Discovery.dll does not exist", ex.Message);
    }

    [Fact]
    public async Task MeshHost_rejects_unknown_apps_and_scaled_discovery_before_starting_anything()
    {
        var unknown = new MeshHostOptions { RepositoryRoot = _root };
        unknown.Scale["basket-service"] = 2;
        var scaledDiscovery = new MeshHostOptions { RepositoryRoot = _root };
        scaledDiscovery.Scale["discovery"] = 2;

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => MeshHost.StartAsync(unknown));
        Assert.Contains("known apps: discovery, gateway", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => MeshHost.StartAsync(scaledDiscovery));
    }
}

using EStore.Mesh;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// Broker, discovery, gateway and product-service as real processes on OS-chosen ports, with
/// product-service on its own PostgreSQL database, seeded with the demo catalog (<c>Demo:SeedData</c>). Shared by
/// the tests of one class.
/// </summary>
public sealed class ProductMeshFixture : IAsyncLifetime
{
    private readonly string _productDatabase = TestPostgres.NewDatabase("product");

    public MeshHost Mesh { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public static MeshHostOptions Options(string productDatabase)
    {
        var options = MeshHostOptions.ForTests();
        options.Apps = ["product-service"];
        options.Databases["product-service"] = new MeshDatabase("Postgres", productDatabase);
        options.ReadyTimeout = TimeSpan.FromSeconds(60);
        // The catalog tests read the demo products; the meshes built on these options browse them as well.
        options.SeedDemoData = true;
        return options;
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Mesh = await MeshHost.StartAsync(Options(_productDatabase), timeout.Token);
        Gateway = new HttpClient { BaseAddress = Mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
        await TestPostgres.DropAsync(_productDatabase);
    }
}

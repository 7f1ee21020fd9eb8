using EStore.Mesh;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// Broker, discovery, gateway and product-service as real processes on OS-chosen ports, with
/// product-service on its own PostgreSQL database, seeded with the demo catalog (<c>Demo:SeedData</c>). Shared by
/// the tests of one class.
/// </summary>
public sealed class ProductMeshFixture() : MeshFixture("product", "product-service")
{
    /// <summary>A product-service mesh on <paramref name="productDatabase"/>, for tests that start their own.</summary>
    public static MeshHostOptions Options(string productDatabase)
    {
        var options = MeshHostOptions.ForTests();
        options.Apps = ["product-service"];
        options.Databases["product-service"] = new MeshDatabase("Postgres", productDatabase);
        return Configure(options);
    }

    /// <summary>What every mesh built on product-service's demo catalog needs.</summary>
    public static MeshHostOptions Configure(MeshHostOptions options)
    {
        options.ReadyTimeout = TimeSpan.FromSeconds(60);
        // The catalog tests read the demo products; the meshes built on these options browse them as well.
        options.SeedDemoData = true;
        return options;
    }

    protected override Task ConfigureAsync(MeshHostOptions options)
    {
        Configure(options);
        return Task.CompletedTask;
    }
}

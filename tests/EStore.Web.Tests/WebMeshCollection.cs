namespace EStore.Web.Tests;

/// <summary>The test classes that share one <see cref="WebMesh"/>: the mesh and the browser start once.</summary>
[CollectionDefinition(Name)]
public sealed class WebMeshCollection : ICollectionFixture<WebMesh>
{
    public const string Name = "web mesh";
}

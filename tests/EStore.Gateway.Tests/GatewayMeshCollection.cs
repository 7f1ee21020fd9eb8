namespace EStore.Gateway.Tests;

/// <summary>The test classes that share one <see cref="GatewayMeshFixture"/>: the mesh starts once.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayMeshCollection : ICollectionFixture<GatewayMeshFixture>
{
    public const string Name = "gateway mesh";
}

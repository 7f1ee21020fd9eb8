using EStore.Mesh;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// What most tests share: the mock broker, identity-service on its own database, and a resource service
/// validating its tokens. Tests use fresh e-mail addresses, so they do not see each other's accounts.
/// </summary>
public sealed class IdentityStack : IAsyncLifetime
{
    private readonly string _database = TestPostgres.NewDatabase("identity");

    public MeshBroker Broker { get; private set; } = null!;

    public IdentityApp Identity { get; private set; } = null!;

    public ResourceApp Resource { get; private set; } = null!;

    public IdentityClient Client => new(Identity);

    public async Task InitializeAsync()
    {
        Broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });
        Identity = IdentityApp.StartOnTestClock(IdentityApp.DefaultSettings(Broker.BootstrapServers, _database));
        Resource = await ResourceApp.StartAsync(Identity.JwksUrl, Broker.BootstrapServers);
        await Resource.WaitForRevocationsAsync(Client);
    }

    public async Task DisposeAsync()
    {
        if (Resource is not null)
        {
            await Resource.DisposeAsync();
        }
        if (Identity is not null)
        {
            await Identity.DisposeAsync();
        }
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
        await TestPostgres.DropAsync(_database);
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityStack>
{
    public const string Name = "identity";
}

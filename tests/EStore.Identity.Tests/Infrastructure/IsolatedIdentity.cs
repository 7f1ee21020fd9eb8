using EStore.Mesh;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>A mock broker for one test class whose tests each run their own identity-service.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    public MeshBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() });

    public async Task DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}

/// <summary>
/// identity-service with a database and clock of its own, plus a resource service, for tests that move
/// time or rotate keys and must not disturb the shared stack.
/// </summary>
public sealed class IsolatedIdentity : IAsyncDisposable
{
    private readonly List<IdentityApp> _instances = [];
    private readonly string _database;
    private readonly Dictionary<string, string?> _settings;

    private IsolatedIdentity(string database, Dictionary<string, string?> settings, ResourceApp resource)
    {
        _database = database;
        _settings = settings;
        Resource = resource;
    }

    public IdentityApp Identity => _instances[0];

    public ResourceApp Resource { get; }

    public IdentityClient Client => new(Identity);

    public static async Task<IsolatedIdentity> StartAsync(MeshBroker broker, IDictionary<string, string?>? overrides = null, string provider = "Postgres")
    {
        var database = provider == "Postgres"
            ? TestPostgres.NewDatabase("isolated")
            : $"Data Source={Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.db")}";
        var settings = IdentityApp.DefaultSettings(broker.BootstrapServers, database);
        settings["Database:Provider"] = provider;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var identity = IdentityApp.StartOnTestClock(settings);
        var resource = await ResourceApp.StartAsync(identity.JwksUrl, broker.BootstrapServers);
        var isolated = new IsolatedIdentity(database, settings, resource);
        isolated._instances.Add(identity);
        return isolated;
    }

    /// <summary>Another instance of identity-service on the same database (scaled out).</summary>
    public IdentityApp StartAnotherInstance()
    {
        var instance = IdentityApp.StartOnTestClock(_settings);
        _instances.Add(instance);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        await Resource.DisposeAsync();
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
        if (_settings["Database:Provider"] == "Postgres")
        {
            await TestPostgres.DropAsync(_database);
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var file = _database["Data Source=".Length..];
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }
}

using EStore.Mesh;

namespace EStore.Testing;

/// <summary>
/// The mesh as real processes (broker, discovery, gateway and the named services), each service on a throwaway
/// PostgreSQL database of its own, reached through <see cref="Gateway"/>. A test project derives one fixture per mesh
/// and adds its settings in <see cref="ConfigureAsync"/>; the databases, the processes and whatever the fixture
/// <see cref="Own"/>s are gone after <see cref="DisposeAsync"/>.
/// </summary>
public abstract class MeshFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> _databases;
    private readonly List<IAsyncDisposable> _owned = [];

    /// <param name="name">A short name for the databases (<c>{name}_{service}</c>).</param>
    /// <param name="apps">The services to run, e.g. <c>product-service</c>.</param>
    protected MeshFixture(string name, params string[] apps)
    {
        Apps = apps;
        _databases = apps.ToDictionary(app => app, app => TestPostgres.NewDatabase($"{name}_{app.Replace("-service", "", StringComparison.Ordinal)}"));
    }

    /// <summary>The services of this mesh.</summary>
    public IReadOnlyList<string> Apps { get; }

    /// <summary>The running mesh.</summary>
    public MeshHost Mesh { get; private set; } = null!;

    /// <summary>A client of the gateway, as a shopper's would be.</summary>
    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The connection string of a service's database.</summary>
    public string DatabaseOf(string app) => _databases[app];

    /// <summary>How long the whole mesh may take to start.</summary>
    protected virtual TimeSpan StartTimeout => TimeSpan.FromMinutes(3);

    /// <summary>Adds this mesh's settings (and stand-ins it starts first, through <see cref="Own"/>) to the options.</summary>
    protected virtual Task ConfigureAsync(MeshHostOptions options) => Task.CompletedTask;

    /// <summary>Keeps <paramref name="resource"/> until the fixture is disposed (after the mesh stops).</summary>
    protected T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    public async Task InitializeAsync()
    {
        var options = MeshHostOptions.ForTests();
        options.Apps = [.. Apps];
        foreach (var (app, database) in _databases)
        {
            options.Databases[app] = new MeshDatabase("Postgres", database);
        }
        await ConfigureAsync(options);
        using var timeout = new CancellationTokenSource(StartTimeout);
        Mesh = await MeshHost.StartAsync(options, timeout.Token);
        Gateway = new HttpClient { BaseAddress = Mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (Mesh is not null)
        {
            await Mesh.DisposeAsync();
        }
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        foreach (var database in _databases.Values)
        {
            await TestPostgres.DropAsync(database);
        }
    }
}

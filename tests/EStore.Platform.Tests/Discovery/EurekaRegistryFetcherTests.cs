using EStore.Platform.Discovery;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Tests.Discovery;

public sealed class EurekaRegistryFetcherTests
{
    private static EurekaInstance Instance(string app, string id, InstanceStatus status = InstanceStatus.Up, EurekaActionType? action = null) => new()
    {
        AppName = app,
        InstanceId = id,
        HostName = "127.0.0.1",
        Port = 9000 + id.Length,
        Status = status,
        ActionType = action,
    };

    [Fact]
    public async Task First_fetch_is_full_and_later_fetches_apply_deltas()
    {
        await using var server = await ScriptedEurekaServer.StartAsync();
        var (fetcher, cache, _) = Create(server);
        server.FullRegistry = [Instance("CART", "c1"), Instance("CART", "c2")];
        await fetcher.FetchAsync(CancellationToken.None);

        server.FullRegistry = [Instance("CART", "c2"), Instance("CART", "c3")];
        server.Delta = [Instance("CART", "c1", action: EurekaActionType.Deleted), Instance("CART", "c3", action: EurekaActionType.Added)];
        await fetcher.FetchAsync(CancellationToken.None);

        Assert.Equal(["c2", "c3"], cache.GetInstances("cart").Select(i => i.InstanceId));
        Assert.Equal(1, server.Count("GET /eureka/apps/delta"));
        Assert.Equal(1, server.Requests.Count(r => r == "GET /eureka/apps/"));
    }

    [Fact]
    public async Task Delta_that_does_not_reconcile_with_the_hash_code_triggers_a_full_fetch()
    {
        await using var server = await ScriptedEurekaServer.StartAsync();
        var (fetcher, cache, _) = Create(server);
        server.FullRegistry = [Instance("CART", "c1")];
        await fetcher.FetchAsync(CancellationToken.None);

        // The client missed a change: the delta says nothing, yet the registry has two instances.
        server.FullRegistry = [Instance("CART", "c1"), Instance("CART", "c2")];
        server.Delta = [];
        await fetcher.FetchAsync(CancellationToken.None);

        Assert.Equal(2, cache.GetInstances("CART").Count);
        Assert.Equal(2, server.Requests.Count(r => r == "GET /eureka/apps/"));
    }

    [Fact]
    public async Task Status_change_in_a_delta_takes_the_instance_out_of_the_UP_list()
    {
        await using var server = await ScriptedEurekaServer.StartAsync();
        var (fetcher, cache, _) = Create(server);
        server.FullRegistry = [Instance("CART", "c1"), Instance("CART", "c2")];
        await fetcher.FetchAsync(CancellationToken.None);

        server.FullRegistry = [Instance("CART", "c1"), Instance("CART", "c2", InstanceStatus.OutOfService)];
        server.Delta = [Instance("CART", "c2", InstanceStatus.OutOfService, EurekaActionType.Modified)];
        await fetcher.FetchAsync(CancellationToken.None);

        Assert.Equal(["c1"], cache.GetInstances("CART").Select(i => i.InstanceId));
    }

    [Fact]
    public async Task Empty_registry_from_a_restarted_server_is_ignored_until_the_grace_period_passes()
    {
        await using var server = await ScriptedEurekaServer.StartAsync();
        var (fetcher, cache, time) = Create(server, disableDelta: true);
        server.FullRegistry = [Instance("CART", "c1")];
        await fetcher.FetchAsync(CancellationToken.None);

        server.FullRegistry = [];
        await fetcher.FetchAsync(CancellationToken.None);
        Assert.Single(cache.GetInstances("CART"));

        time.Advance(TimeSpan.FromSeconds(91));
        await fetcher.FetchAsync(CancellationToken.None);
        Assert.Empty(cache.GetInstances("CART"));
    }

    [Fact]
    public async Task Unreachable_server_keeps_the_last_known_registry()
    {
        var server = await ScriptedEurekaServer.StartAsync();
        var (fetcher, cache, _) = Create(server);
        server.FullRegistry = [Instance("CART", "c1")];
        await fetcher.FetchAsync(CancellationToken.None);
        await server.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => fetcher.FetchAsync(CancellationToken.None));

        Assert.Single(cache.GetInstances("CART"));
    }

    private static (EurekaRegistryFetcher Fetcher, EurekaRegistryCache Cache, ManualTimeProvider Time) Create(ScriptedEurekaServer server, bool disableDelta = false)
    {
        var options = Options.Create(new EurekaClientOptions { ServiceUrl = server.ServiceUrl, DisableDelta = disableDelta });
        var cache = new EurekaRegistryCache();
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var client = new EurekaHttpClient(new HttpClient(), options);
        return (new EurekaRegistryFetcher(client, cache, options, time, NullLogger<EurekaRegistryFetcher>.Instance), cache, time);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;

namespace EStore.Gateway.Tests;

/// <summary>Instances of one service coming and going behind the gateway (round robin, fed by discovery).</summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class GatewayScalingTests(GatewayMeshFixture mesh, ITestOutputHelper output)
{
    private const string Path = "/api/scale-echo/which";

    [Fact]
    public async Task Requests_spread_evenly_over_two_instances_and_a_third_gets_traffic_seconds_after_registering()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var eureka = mesh.EchoEurekaUrl;
        await using var first = await EchoService.StartAsync(eureka, timeout.Token, GatewayMeshFixture.ScaleEchoApp);
        await using var second = await EchoService.StartAsync(eureka, timeout.Token, GatewayMeshFixture.ScaleEchoApp);
        await GatewayMeshFixture.WaitRoutedAsync(mesh.GatewayManagement.BaseAddress!, GatewayMeshFixture.ScaleEchoApp, timeout.Token, destinations: 2);

        var served = new Dictionary<int, int>();
        for (var i = 0; i < 40; i++)
        {
            var port = await ServedByAsync(timeout.Token);
            served[port] = served.GetValueOrDefault(port) + 1;
        }
        Assert.Equal(new[] { first.Port, second.Port }.Order(), served.Keys.Order());
        // Round robin: 20 each; a little slack for a destination list refreshed mid-way.
        Assert.All(served.Values, count => Assert.InRange(count, 15, 25));

        await using var third = await EchoService.StartAsync(eureka, timeout.Token, GatewayMeshFixture.ScaleEchoApp);
        var registered = Stopwatch.StartNew();
        var requests = 0;
        while (await ServedByAsync(timeout.Token) != third.Port)
        {
            requests++;
            await Task.Delay(20, timeout.Token);
        }
        var untilTraffic = registered.Elapsed;
        output.WriteLine($"third instance served its first request {untilTraffic.TotalMilliseconds:0} ms after registering ({requests} requests went to the others meanwhile, none failed)");
        // The gateway fetches registry changes every second here (30 s by default, as in Eureka).
        Assert.True(untilTraffic < TimeSpan.FromSeconds(10), $"no traffic after {untilTraffic}");
    }

    private async Task<int> ServedByAsync(CancellationToken cancellationToken)
    {
        using var response = await mesh.Gateway.GetAsync(Path, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return int.Parse(response.Headers.GetValues(EchoService.PortHeader).Single(), CultureInfo.InvariantCulture);
    }
}

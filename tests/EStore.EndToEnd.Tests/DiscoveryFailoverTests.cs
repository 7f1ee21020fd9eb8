using System.Diagnostics;
using System.Net;
using EStore.Mesh;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EStore.EndToEnd.Tests;

/// <summary>A service calling another through discovery while one of its instances dies.</summary>
public sealed class DiscoveryFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Calls_keep_succeeding_when_one_of_two_instances_is_killed_without_deregistering()
    {
        var database = TestPostgres.NewDatabase("failover");
        var options = ProductMeshFixture.Options(database);
        options.Scale["product-service"] = 2;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await using var mesh = await MeshHost.StartAsync(options, timeout.Token);
            using var caller = await StartCallerAsync(mesh.EurekaServiceUrl, timeout.Token);
            var registry = caller.Services.GetRequiredService<EurekaRegistryCache>();
            var client = caller.Services.GetRequiredService<IHttpClientFactory>().CreateClient("products");
            await Eventually.TrueAsync(() => registry.GetInstances("product-service").Count == 2,
                () => $"the caller's registry has {registry.GetInstances("product-service").Count} product-service instances (last error: {registry.LastError ?? "none"}, last fetch: {registry.LastSuccessfulFetch?.ToString() ?? "never"}, apps: {string.Join(",", registry.Applications.Keys)})",
                TimeSpan.FromSeconds(30));

            var victim = mesh.GetInstances("product-service")[0];
            var victimId = $"127.0.0.1:product-service:{victim.Port}";
            await mesh.KillInstanceAsync(victim.Name);
            var killedAt = Stopwatch.StartNew();

            var passiveHealth = caller.Services.GetRequiredService<PassiveInstanceHealth>();
            var calls = 0;
            TimeSpan? avoidedAfter = null;
            TimeSpan? droppedAfter = null;
            while (killedAt.Elapsed < TimeSpan.FromSeconds(40) && (droppedAfter is null || calls < 50))
            {
                using var response = await client.GetAsync("api/products?size=1", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                calls++;
                if (avoidedAfter is null && passiveHealth.SuspectInstanceIds.Contains(victimId))
                {
                    avoidedAfter = killedAt.Elapsed;
                }
                if (droppedAfter is null && registry.GetInstances("product-service").All(i => i.InstanceId != victimId))
                {
                    droppedAfter = killedAt.Elapsed;
                }
                await Task.Delay(50, timeout.Token);
            }

            Assert.NotNull(avoidedAfter);
            Assert.NotNull(droppedAfter);
            output.WriteLine($"{calls} calls after the kill, all 200. The caller stopped choosing the dead instance after " +
                $"{avoidedAfter.Value.TotalMilliseconds:F0} ms (its first refused connection; passive health), and it left the caller's " +
                $"registry after {droppedAfter.Value.TotalSeconds:F1} s (lease {options.LeaseExpirationDurationSeconds} s, eviction every 1 s, " +
                $"fetch every {options.RegistryFetchIntervalSeconds} s).");
        }
        finally
        {
            await TestPostgres.DropAsync(database);
        }
    }

    private static async Task<IHost> StartCallerAsync(string eurekaUrl, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eureka:Client:ServiceUrl"] = eurekaUrl,
            ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
            ["Eureka:Client:RegistryFetchIntervalSeconds"] = "1",
        });
        builder.AddEurekaDiscovery();
        builder.Services.AddHttpClient("products", c => c.BaseAddress = new Uri("http://product-service/")).AddServiceDiscovery();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}

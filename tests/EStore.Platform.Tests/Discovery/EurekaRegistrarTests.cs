using EStore.Platform.Discovery;
using EStore.Platform.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EStore.Platform.Tests.Discovery;

public sealed class EurekaRegistrarTests
{
    [Fact]
    public async Task Registers_the_port_it_bound_with_actuator_urls_and_configured_metadata()
    {
        await using var eureka = await ScriptedEurekaServer.StartAsync();
        await using var service = await TestService.StartAsync(settings: EnabledFor(eureka, ("Eureka:Instance:MetadataMap:zone", "zone-a")));
        var port = service.Client.BaseAddress!.Port;

        var registered = await WaitForAsync(() => eureka.Registrations.LastOrDefault());

        Assert.Equal("TEST-SERVICE", registered.AppName);
        Assert.Equal(port, registered.Port);
        Assert.Equal($"127.0.0.1:test-service:{port}", registered.InstanceId);
        Assert.Equal($"http://127.0.0.1:{port}/actuator/health", registered.HealthCheckUrl);
        Assert.Equal($"http://127.0.0.1:{port}/actuator/info", registered.StatusPageUrl);
        Assert.Equal("test-service", registered.VipAddress);
        Assert.Equal("zone-a", registered.Metadata["zone"]);
        Assert.Equal(InstanceStatus.Up, registered.Status);
    }

    [Fact]
    public async Task Failing_readiness_is_reported_as_DOWN_and_recovery_as_UP()
    {
        var healthy = true;
        await using var eureka = await ScriptedEurekaServer.StartAsync();
        await using var service = await TestService.StartAsync(
            configure: b => b.Services.AddHealthChecks().AddCheck("db",
                () => healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("down"), tags: [ActuatorEndpoints.ReadinessTag]),
            settings: EnabledFor(eureka));
        var first = await WaitForAsync(() => eureka.Registrations.LastOrDefault());

        healthy = false;
        var down = await WaitForAsync(() => eureka.Registrations.LastOrDefault(r => r.Status == InstanceStatus.Down));
        healthy = true;
        await WaitForAsync(() => eureka.Registrations.Reverse().TakeWhile(r => r.Status == InstanceStatus.Up).FirstOrDefault());

        Assert.Equal(InstanceStatus.Up, first.Status);
        Assert.True(down.LastDirtyTimestamp >= first.LastDirtyTimestamp);
        Assert.Equal(InstanceStatus.Up, eureka.Registrations.Last().Status);
    }

    [Fact]
    public async Task Graceful_shutdown_deregisters()
    {
        await using var eureka = await ScriptedEurekaServer.StartAsync();
        var service = await TestService.StartAsync(settings: EnabledFor(eureka));
        var registered = await WaitForAsync(() => eureka.Registrations.LastOrDefault());

        await service.DisposeAsync();

        Assert.Contains($"DELETE /eureka/apps/TEST-SERVICE/{registered.InstanceId}", eureka.Requests);
    }

    [Fact]
    public async Task Shutdown_while_the_registrations_answer_is_on_the_way_still_deregisters()
    {
        await using var eureka = await ScriptedEurekaServer.StartAsync();
        // The server has stored the record; its 204 arrives only after shutdown began.
        eureka.RegistrationAnswerDelay = TimeSpan.FromSeconds(2);
        var service = await TestService.StartAsync(settings: EnabledFor(eureka));
        var registered = await WaitForAsync(() => eureka.Registrations.LastOrDefault());

        await service.DisposeAsync();

        Assert.Contains($"DELETE /eureka/apps/TEST-SERVICE/{registered.InstanceId}", eureka.Requests);
    }

    [Fact]
    public async Task Sends_the_service_urls_userinfo_as_basic_credentials_and_shows_the_url_without_the_password()
    {
        await using var eureka = await ScriptedEurekaServer.StartAsync();
        // Percent-encoded, as a secret with reserved characters must be written in a URL.
        var url = eureka.ServiceUrl.Replace("http://", "http://test-service:s3cret%40pw@", StringComparison.Ordinal);
        await using var service = await TestService.StartAsync(settings: EnabledFor(eureka, ("Eureka:Client:ServiceUrl", url), ("Management:Port", "0")));

        await WaitForAsync(() => eureka.Registrations.LastOrDefault());

        var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("test-service:s3cret@pw"));
        Assert.All(eureka.Authorizations, header => Assert.Equal(expected, header));
        // Health details (the discovery URL among them) show on the management port only.
        var health = await service.Management!.GetStringAsync("/actuator/health");
        Assert.Contains(eureka.ServiceUrl, health, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", health, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> EnabledFor(ScriptedEurekaServer eureka, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Eureka:Client:ShouldRegisterWithEureka"] = "true",
            ["Eureka:Client:ServiceUrl"] = eureka.ServiceUrl,
            ["Eureka:Instance:HostName"] = "127.0.0.1",
            ["Eureka:Instance:LeaseRenewalIntervalInSeconds"] = "1",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe) where T : class =>
        (await Eventually.GetAsync(() => Task.FromResult(probe()), value => value is not null, "the expected registration", TimeSpan.FromSeconds(15)))!;
}

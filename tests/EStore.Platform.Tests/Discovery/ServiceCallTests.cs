using System.Net;
using EStore.Platform.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace EStore.Platform.Tests.Discovery;

/// <summary>
/// Calls to <c>http://catalog/</c> through the standard <c>AddServiceDiscovery()</c> with the Eureka endpoint
/// provider and our resilience rules; the instances are WireMock stand-ins.
/// </summary>
public sealed class ServiceCallTests
{
    // Tests of timeouts use a short attempt timeout and an answer well past it; the others use a long attempt
    // timeout, so that a slow first call on a busy machine is not counted as a failure the test did not intend.
    private const string ShortAttemptTimeout = "2";
    private static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Requests_to_an_app_name_are_balanced_across_its_instances()
    {
        using var a = Instance("a");
        using var b = Instance("b");
        await using var caller = Caller(("a", a.Port), ("b", b.Port));

        var answers = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await caller.Client.GetStringAsync("/who"));
        }

        Assert.Equal(5, answers.Count(x => x == "a"));
        Assert.Equal(5, answers.Count(x => x == "b"));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Instance_refusing_connections_is_skipped_and_then_avoided(string method)
    {
        using var live = Instance("live");
        await using var caller = Caller(("a-dead", FreePort.Next()), ("b-live", live.Port));

        for (var i = 0; i < 6; i++)
        {
            using var response = await caller.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/who"));
            Assert.Equal("live", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(["a-dead"], caller.Services.GetRequiredService<PassiveInstanceHealth>().SuspectInstanceIds);
        var resolver = caller.Services.GetRequiredService<ServiceEndpointResolver>();
        for (var i = 0; i < 4; i++)
        {
            var endpoints = await resolver.GetEndpointsAsync("http://catalog", CancellationToken.None);
            Assert.Equal([$"http://127.0.0.1:{live.Port}/"], endpoints.Endpoints.Select(e => ((UriEndPoint)e.EndPoint).Uri.ToString()));
        }
    }

    [Fact]
    public async Task With_one_attempt_a_refused_connection_is_not_tried_elsewhere()
    {
        using var live = Instance("live");
        await using var caller = Caller("1", null, ("a-dead", FreePort.Next()), ("b-live", live.Port));

        // Round robin reaches the dead instance within two calls; that call fails instead of moving on.
        var outcomes = new List<bool>();
        for (var i = 0; i < 2; i++)
        {
            try
            {
                outcomes.Add(await caller.Client.GetStringAsync("/who") == "live");
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                outcomes.Add(false);
            }
        }

        Assert.Equal(1, outcomes.Count(ok => ok));
    }

    [Fact]
    public async Task Timed_out_GET_is_retried_on_another_instance()
    {
        using var slow = Instance("slow", delay: SlowAnswer);
        using var fast = Instance("fast");
        await using var caller = Caller(null, ShortAttemptTimeout, ("a-slow", slow.Port), ("b-fast", fast.Port));

        // Round robin sends one of the first two calls to the slow instance: both still answer from the fast one.
        Assert.Equal("fast", await caller.Client.GetStringAsync("/who"));
        Assert.Equal("fast", await caller.Client.GetStringAsync("/who"));
        Assert.Equal(1, await RequestsAsync(slow));
    }

    [Fact]
    public async Task Timed_out_POST_without_idempotency_key_is_not_repeated_elsewhere()
    {
        using var slow = Instance("slow", delay: SlowAnswer);
        using var alsoSlow = Instance("also-slow", delay: SlowAnswer);
        await using var caller = Caller(null, ShortAttemptTimeout, ("a-slow", slow.Port), ("b-slow", alsoSlow.Port));

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => caller.Client.PostAsync("/who", null));

        Assert.IsType<TimeoutException>(error.InnerException);
        // Whichever instance got it, it was the only one.
        Assert.Equal(1, await RequestsAsync(slow) + await RequestsAsync(alsoSlow));
    }

    [Fact]
    public async Task Timed_out_POST_with_idempotency_key_is_retried()
    {
        using var slow = Instance("slow", delay: SlowAnswer);
        using var fast = Instance("fast");
        await using var caller = Caller(null, ShortAttemptTimeout, ("a-slow", slow.Port), ("b-fast", fast.Port));

        // Round robin sends one of the first two calls to the slow instance.
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/who");
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await caller.Client.SendAsync(request);
            Assert.Equal("fast", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, await RequestsAsync(slow));
    }

    [Fact]
    public async Task App_without_instances_fails_with_503_naming_the_app()
    {
        await using var caller = Caller();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => caller.Client.GetAsync("/who"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("'catalog'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_circuits_on_every_instance_fail_as_503_naming_the_app()
    {
        using var failing = WireMockServer.Start();
        failing.Given(Request.Create().WithPath("/who")).RespondWith(Response.Create().WithStatusCode(500));
        await using var caller = Caller(("a", failing.Port));

        // Five 5xx answers (LoadBalancer:CircuitMinimumThroughput) open the instance's circuit.
        for (var i = 0; i < 5; i++)
        {
            using var answer = await caller.Client.GetAsync("/who");
            Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
        }
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => caller.Client.GetAsync("/who"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("'catalog'", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, failing.LogEntries.Count());
    }

    [Fact]
    public async Task Instances_registered_later_are_called_without_restarting()
    {
        using var late = Instance("late");
        await using var caller = Caller();
        await Assert.ThrowsAsync<HttpRequestException>(() => caller.Client.GetAsync("/who"));

        caller.Register(Registered("late", late.Port));

        Assert.Equal("late", await caller.Client.GetStringAsync("/who"));
    }

    [Fact]
    public async Task An_instance_that_goes_down_in_the_registry_gets_no_more_calls()
    {
        using var a = Instance("a");
        using var b = Instance("b");
        await using var caller = Caller(("a", a.Port), ("b", b.Port));
        await caller.Client.GetStringAsync("/who");

        caller.Register(Registered("a", a.Port), Registered("b", b.Port, InstanceStatus.Down));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("a", await caller.Client.GetStringAsync("/who"));
        }
    }

    [Theory]
    [InlineData("http://product-service/api/products", true)]
    [InlineData("http://product-service:8082/api/products", false)]
    [InlineData("http://127.0.0.1/api/products", false)]
    [InlineData("http://localhost/api/products", false)]
    [InlineData("http://api.example.org/x", false)]
    public void Only_bare_app_names_are_resolved_through_discovery(string uri, bool resolved) =>
        Assert.Equal(resolved, ServiceCallHandler.IsServiceName(new Uri(uri)));

    [Theory]
    [InlineData("LoadBalancer:MaxAttempts", "0")]
    [InlineData("LoadBalancer:AttemptTimeoutSeconds", "0")]
    [InlineData("LoadBalancer:CircuitFailureRatio", "1.5")]
    [InlineData("LoadBalancer:CircuitMinimumThroughput", "1")]
    public void A_bad_load_balancer_setting_is_named_at_start(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddEurekaDiscovery();
        using var services = builder.Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<LoadBalancerOptions>>().Value);

        Assert.StartsWith($"{key}: '{value}'", error.Message, StringComparison.Ordinal);
    }

    // WireMock logs a request once its (delayed) answer is done: wait out the delay before counting.
    private static async Task<int> RequestsAsync(WireMockServer instance)
    {
        await Task.Delay(SlowAnswer + TimeSpan.FromMilliseconds(500));
        return instance.LogEntries.Count();
    }

    private static WireMockServer Instance(string name, TimeSpan? delay = null)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithBody(name);
        server.Given(Request.Create().WithPath("/who")).RespondWith(delay is { } wait ? response.WithDelay(wait) : response);
        return server;
    }

    private static CallerContext Caller(params (string Id, int Port)[] instances) => Caller(null, null, instances);

    private static CallerContext Caller(string? maxAttempts, string? attemptTimeout, params (string Id, int Port)[] instances)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LoadBalancer:AttemptTimeoutSeconds"] = attemptTimeout ?? "30",
            ["LoadBalancer:MaxAttempts"] = maxAttempts ?? "3",
        });
        builder.AddEurekaDiscovery();
        builder.Services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("http://catalog/")).AddServiceDiscovery();
        var services = builder.Services.BuildServiceProvider();
        var caller = new CallerContext(services, services.GetRequiredService<IHttpClientFactory>().CreateClient("catalog"));
        caller.Register([.. instances.Select(i => Registered(i.Id, i.Port))]);
        return caller;
    }

    private static EurekaInstance Registered(string id, int port, InstanceStatus status = InstanceStatus.Up) =>
        new() { AppName = "CATALOG", InstanceId = id, HostName = "127.0.0.1", Port = port, Status = status };

    private sealed record CallerContext(ServiceProvider Services, HttpClient Client) : IAsyncDisposable
    {
        public void Register(params EurekaInstance[] instances) =>
            Services.GetRequiredService<EurekaRegistryCache>().Update(instances, DateTimeOffset.UtcNow);

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Services.DisposeAsync();
        }
    }
}

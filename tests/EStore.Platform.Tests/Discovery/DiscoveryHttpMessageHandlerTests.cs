using System.Net;
using System.Net.Sockets;
using EStore.Platform.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EStore.Platform.Tests.Discovery;

public sealed class DiscoveryHttpMessageHandlerTests
{
    [Fact]
    public async Task Requests_to_an_app_name_are_balanced_across_its_instances()
    {
        await using var a = await Backend("a");
        await using var b = await Backend("b");
        using var caller = Caller(("a", Port(a)), ("b", Port(b)));

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
        await using var live = await Backend("live");
        using var caller = Caller(("a-dead", DeadPort()), ("b-live", Port(live)));

        for (var i = 0; i < 6; i++)
        {
            using var response = await caller.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/who"));
            Assert.Equal("live", await response.Content.ReadAsStringAsync());
        }

        var selector = caller.Services.GetRequiredService<ServiceInstanceSelector>();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("b-live", selector.Select("catalog", new HashSet<string>())!.InstanceId);
        }
    }

    [Fact]
    public async Task Timed_out_GET_is_retried_on_another_instance()
    {
        await using var slow = await Backend("slow", delay: TimeSpan.FromSeconds(3));
        await using var fast = await Backend("fast");
        using var caller = Caller(("a-slow", Port(slow)), ("b-fast", Port(fast)));

        Assert.Equal("fast", await caller.Client.GetStringAsync("/who"));
    }

    [Fact]
    public async Task Timed_out_POST_without_idempotency_key_is_not_repeated_elsewhere()
    {
        await using var slow = await Backend("slow", delay: TimeSpan.FromSeconds(3));
        await using var fast = await Backend("fast");
        using var caller = Caller(("a-slow", Port(slow)), ("b-fast", Port(fast)));

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => caller.Client.PostAsync("/who", null));

        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(1, slow.Hits);
        Assert.Equal(0, fast.Hits);
    }

    [Fact]
    public async Task Timed_out_POST_with_idempotency_key_is_retried()
    {
        await using var slow = await Backend("slow", delay: TimeSpan.FromSeconds(3));
        await using var fast = await Backend("fast");
        using var caller = Caller(("a-slow", Port(slow)), ("b-fast", Port(fast)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/who");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await caller.Client.SendAsync(request);

        Assert.Equal("fast", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task App_without_instances_fails_with_503_naming_the_app()
    {
        using var caller = Caller();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => caller.Client.GetAsync("/who"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Contains("'catalog'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://product-service/api/products", true)]
    [InlineData("http://product-service:8082/api/products", false)]
    [InlineData("http://127.0.0.1/api/products", false)]
    [InlineData("http://localhost/api/products", false)]
    [InlineData("http://api.example.org/x", false)]
    public void Only_bare_app_names_are_resolved_through_discovery(string uri, bool resolved) =>
        Assert.Equal(resolved, DiscoveryHttpMessageHandler.IsServiceName(new Uri(uri)));

    private static int Port(Backend backend) => backend.Port;

    // A port nothing listens on: bind, read the port, close.
    private static int DeadPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static CallerContext Caller(params (string Id, int Port)[] instances)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LoadBalancer:AttemptTimeoutSeconds"] = "1",
        });
        builder.AddEurekaDiscovery();
        builder.Services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("http://catalog/")).AddServiceDiscovery();
        var services = builder.Services.BuildServiceProvider();
        services.GetRequiredService<EurekaRegistryCache>().Update(
            instances.Select(i => new EurekaInstance { AppName = "CATALOG", InstanceId = i.Id, HostName = "127.0.0.1", Port = i.Port }),
            DateTimeOffset.UtcNow);
        return new CallerContext(services, services.GetRequiredService<IHttpClientFactory>().CreateClient("catalog"));
    }

    private sealed record CallerContext(ServiceProvider Services, HttpClient Client) : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Services.Dispose();
        }
    }

    private static async Task<Backend> Backend(string name, TimeSpan? delay = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var backend = new Backend(app);
        app.Map("/who", async (HttpContext context) =>
        {
            Interlocked.Increment(ref backend.HitCount);
            if (delay is { } wait)
            {
                await Task.Delay(wait, context.RequestAborted);
            }
            return name;
        });
        await app.StartAsync();
        return backend;
    }
}

internal sealed class Backend(WebApplication app) : IAsyncDisposable
{
    public int HitCount;

    public int Hits => Volatile.Read(ref HitCount);

    public int Port => new Uri(app.Urls.Single()).Port;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

using System.Net;
using EStore.Discovery.Replication;

namespace EStore.Discovery.Tests;

public sealed class SelfUrlMatcherTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8761/eureka/", "http://127.0.0.1:8761")]
    [InlineData("http://localhost:8761/eureka/", "http://127.0.0.1:8761")]
    [InlineData("http://127.0.0.1:8761/eureka/", "http://localhost:8761")]
    [InlineData("http://localhost:8080/eureka/", "http://[::]:8080")]
    [InlineData("http://127.0.0.1:8080/eureka/", "http://+:8080")]
    [InlineData("http://127.0.0.1:8080/eureka/", "http://*:8080")]
    public void A_url_on_a_bound_port_of_a_local_host_is_myself(string url, string bound)
    {
        Assert.True(SelfUrlMatcher.IsMyself(new Uri(url), null, [bound]));
    }

    [Fact]
    public void This_machines_own_name_on_a_wildcard_binding_is_myself()
    {
        Assert.True(SelfUrlMatcher.IsMyself(new Uri($"http://{Dns.GetHostName()}:8080/eureka/"), null, ["http://0.0.0.0:8080"]));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8762/eureka/", "http://127.0.0.1:8761")]
    [InlineData("http://192.0.2.10:8761/eureka/", "http://0.0.0.0:8761")]
    [InlineData("http://127.0.0.1:8761/eureka/", "http://192.0.2.10:8761")]
    public void Another_port_or_a_foreign_host_is_a_peer(string url, string bound)
    {
        Assert.False(SelfUrlMatcher.IsMyself(new Uri(url), null, [bound]));
    }

    [Fact]
    public void The_configured_my_url_is_myself_whatever_the_bindings()
    {
        var url = new Uri("http://discovery-1.example:8080/eureka/");

        Assert.True(SelfUrlMatcher.IsMyself(url, "http://discovery-1.example:8080/eureka", ["http://192.0.2.10:9999"]));
        Assert.False(SelfUrlMatcher.IsMyself(url, "http://discovery-2.example:8080/eureka/", ["http://192.0.2.10:9999"]));
    }
}

using EStore.ServiceDefaults;

namespace EStore.Platform.Tests;

public sealed class ServiceHostTests
{
    [Fact]
    public void Service_default_url_applies_when_no_url_is_given()
    {
        var builder = ServiceHost.CreateBuilder(["--Service:DefaultUrl=http://127.0.0.1:5999"]);

        Assert.Equal("http://127.0.0.1:5999", builder.Configuration["urls"]);
    }

    [Fact]
    public void An_explicit_url_beats_the_service_default()
    {
        var builder = ServiceHost.CreateBuilder(["--urls=http://127.0.0.1:0", "--Service:DefaultUrl=http://127.0.0.1:5999"]);

        Assert.Equal("http://127.0.0.1:0", builder.Configuration["urls"]);
    }

    [Fact]
    public void Embedded_defaults_sit_below_every_other_source()
    {
        var builder = ServiceHost.CreateBuilder(["--Logging:LogLevel:Microsoft.EntityFrameworkCore=Debug"]);

        Assert.Equal("Debug", builder.Configuration["Logging:LogLevel:Microsoft.EntityFrameworkCore"]);
        Assert.Equal("Warning", builder.Configuration["Logging:LogLevel:System.Net.Http.HttpClient"]);
    }
}

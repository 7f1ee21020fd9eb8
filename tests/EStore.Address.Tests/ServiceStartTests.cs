using System.Net;
using EStore.Address.Data;
using EStore.Address.Tests.Infrastructure;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Address.Tests;

/// <summary>address-service starts as the mesh runs it, before any domain code: database, health, OpenAPI, its route prefix.</summary>
public sealed class ServiceStartTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = "/api/addresses";

    [Fact]
    public async Task Starts_on_PostgreSQL_with_the_messaging_tables()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();

        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await db.Set<InboxMessage>().CountAsync());
    }

    [Fact]
    public async Task Reports_UP_health_with_its_database()
    {
        var health = await stack.GetAsync("/actuator/health");

        Assert.Equal("UP", health.GetProperty("status").GetString());
        Assert.Equal("UP", health.GetProperty("components").GetProperty("db").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Serves_its_OpenAPI_document_titled_with_its_app_name()
    {
        var document = await stack.GetAsync("/openapi/v1.json");

        Assert.Equal("address-service", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(Prefix)]
    [InlineData(Prefix + "/anything")]
    public async Task An_anonymous_call_on_its_route_prefix_is_401(string path)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, path, null, null);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_in_call_to_a_path_it_does_not_serve_is_the_404_problem()
    {
        var token = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);

        using var response = await stack.SendAsync(HttpMethod.Get, Prefix + "/anything", null, token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

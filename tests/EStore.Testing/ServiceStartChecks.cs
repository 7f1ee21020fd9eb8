using System.Net;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Testing;

/// <summary>
/// What every service shows from its first commit, as the mesh runs it: PostgreSQL with the messaging tables, a schema
/// from shipped migrations that cover the model, health
/// UP with its database, an OpenAPI document titled with its app name, and its route prefix behind a token (401
/// without one, the 404 problem for a path it does not serve). A service's test project derives one class from it
/// (templates/estore-service makes it), so the checks are written once.
/// </summary>
/// <typeparam name="TEntryPoint">The service's <c>Program</c>.</typeparam>
/// <typeparam name="TContext">The service's database context.</typeparam>
/// <param name="stack">The service under test.</param>
/// <param name="appName">Its Eureka app name, e.g. <c>cart-service</c>.</param>
/// <param name="prefix">Its gateway route prefix, e.g. <c>/api/carts</c>.</param>
public abstract class ServiceStartChecks<TEntryPoint, TContext>(ServiceStack<TEntryPoint> stack, string appName, string prefix)
    where TEntryPoint : class
    where TContext : DbContext
{
    [Fact]
    public async Task Starts_on_PostgreSQL_with_the_messaging_tables()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();

        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        // Nothing is published or consumed before anyone calls it.
        Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await db.Set<InboxMessage>().CountAsync());
    }

    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var service = appName.Replace("-service", "", StringComparison.Ordinal);
        if (!db.Database.GetMigrations().Any())
        {
            // Fresh from the template: the schema comes from the model until the first entities bring InitialCreate.
            return;
        }

        Assert.False(db.Database.HasPendingModelChanges(), $"the model has changes no migration covers: build/add-migration.sh {service} <Name>");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
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

        Assert.Equal(appName, document.GetProperty("info").GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("/anything")]
    public async Task An_anonymous_call_on_its_route_prefix_is_401(string path)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, prefix + path, null, null);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_signed_in_call_to_a_path_it_does_not_serve_is_the_404_problem()
    {
        var token = stack.Tokens.For(Guid.NewGuid(), [UserRoles.Customer]);

        using var response = await stack.SendAsync(HttpMethod.Get, prefix + "/no-such-path/anything", null, token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

using System.Net;
using System.Text.Json;
using EStore.Platform.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace EStore.Platform.Tests;

/// <summary>
/// A service whose database cannot answer in time answers 503 with <c>Retry-After</c> (wait and retry), while a
/// failing query is still the generic 500: <c>AddServiceDatabase</c>'s <c>AddDatabaseUnavailableProblems</c>.
/// </summary>
public sealed class DatabaseUnavailableTests
{
    [Fact]
    public async Task A_request_that_finds_the_connection_pool_exhausted_answers_503_with_retry_after()
    {
        // One connection in the pool and a one-second wait for it: the test holds it, the request waits and gives up.
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = "postgres", MaxPoolSize = 1, Timeout = 1 };
        await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var held = await source.OpenConnectionAsync();
        await using var service = await StartAsync(app => app.MapGet("/count", async (CancellationToken ct) =>
        {
            await using var connection = await source.OpenConnectionAsync(ct);
            return Results.Ok();
        }));

        using var response = await service.Client.GetAsync("/count");

        await AssertUnavailableAsync(response);
    }

    [Fact]
    public async Task A_database_that_refuses_connections_answers_503_and_a_failing_query_stays_500()
    {
        var dead = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Host = "127.0.0.1", Port = FreePort.Next(), Timeout = 2 };
        await using var deadSource = NpgsqlDataSource.Create(dead.ConnectionString);
        var live = new NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = "postgres" };
        await using var liveSource = NpgsqlDataSource.Create(live.ConnectionString);
        await using var service = await StartAsync(app =>
        {
            app.MapGet("/down", async (CancellationToken ct) =>
            {
                await using var connection = await deadSource.OpenConnectionAsync(ct);
                return Results.Ok();
            });
            app.MapGet("/bug", async (CancellationToken ct) =>
            {
                await using var command = liveSource.CreateCommand("SELECT * FROM no_such_table");
                return Results.Ok(await command.ExecuteScalarAsync(ct));
            });
        });

        using var down = await service.Client.GetAsync("/down");
        await AssertUnavailableAsync(down);

        using var bug = await service.Client.GetAsync("/bug");
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        Assert.False(bug.Headers.Contains("Retry-After"));
        Assert.DoesNotContain("no_such_table", await bug.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<TestService> StartAsync(Action<WebApplication> map) =>
        TestService.StartAsync(configure: b => b.Services.AddDatabaseUnavailableProblems(), map: map);

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(503, body.GetProperty("status_code").GetInt32());
        Assert.Equal("The service's database cannot answer right now. Try again shortly.", body.GetProperty("message").GetString());
        // Neither the connection string nor Npgsql's words reach the caller.
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("pool", text, StringComparison.OrdinalIgnoreCase);
    }
}

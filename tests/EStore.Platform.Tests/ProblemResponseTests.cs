using System.Net;
using System.Text.Json;
using EStore.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Tests;

public sealed class ProblemResponseTests
{
    [Fact]
    public async Task Unknown_path_answers_404_problem_with_error_message_and_status_code()
    {
        await using var service = await TestService.StartAsync();

        using var response = await service.Client.GetAsync("/no/such/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadJsonAsync(response);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal(404, body.GetProperty("status_code").GetInt32());
        Assert.Equal("Not Found", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Unhandled_exception_answers_500_problem_without_internals()
    {
        await using var service = await TestService.StartAsync(map: app =>
            app.MapGet("/boom", string () => throw new InvalidOperationException("secret connection string Password=hunter2")));

        using var response = await service.Client.GetAsync("/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(500, body.GetProperty("status_code").GetInt32());
        Assert.Equal("Internal Server Error", body.GetProperty("error").GetString());
        Assert.True(body.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Problem_helpers_carry_the_message_the_endpoint_gave()
    {
        await using var service = await TestService.StartAsync(map: app =>
            app.MapGet("/conflict", () => ProblemResponses.Conflict("Only 2 left in stock.")));

        using var response = await service.Client.GetAsync("/conflict");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal("Only 2 left in stock.", body.GetProperty("message").GetString());
        Assert.Equal("Conflict", body.GetProperty("error").GetString());
        Assert.Equal(409, body.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_body_answers_400_problem()
    {
        await using var service = await TestService.StartAsync(map: app =>
            app.MapPost("/echo", (Payload payload) => Results.Ok(payload)));

        using var response = await service.Client.PostAsync("/echo", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(400, body.GetProperty("status_code").GetInt32());
    }

    public sealed record Payload(string Name);

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

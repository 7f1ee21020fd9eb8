using System.Net;
using System.Text;
using System.Text.Json;
using EStore.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Tests.Errors;

public sealed class ResultMappingTests
{
    [Fact]
    public async Task A_success_answers_the_value()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/things/found");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("found", (await ReadJsonAsync(response)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("missing", 404, "Not Found", "Thing missing does not exist.")]
    [InlineData("taken", 409, "Conflict", "Thing taken is taken.")]
    [InlineData("locked", 403, "Forbidden", "Thing locked is not yours to change.")]
    [InlineData("odd", 400, "Bad Request", "Thing odd is malformed.")]
    [InlineData("away", 503, "Service Unavailable", "Thing away cannot be checked now.")]
    public async Task Each_error_kind_answers_its_status_as_a_problem_with_the_message(string name, int status, string error, string message)
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync($"/things/{name}");

        var body = await AssertProblemAsync(response, status);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.Equal(message, body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_validation_error_answers_422_listing_the_failing_fields()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/things/invalid");

        var body = await AssertProblemAsync(response, 422);
        Assert.Equal(Error.InvalidFields, body.GetProperty("message").GetString());
        Assert.Equal("Required.", body.GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task An_unauthorized_error_carries_its_challenge()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/things/gone");

        await AssertProblemAsync(response, 401);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_result_without_value_answers_204_or_its_problem()
    {
        await using var service = await StartAsync();

        using var done = await service.Client.DeleteAsync("/things/found");
        using var refused = await service.Client.DeleteAsync("/things/missing");

        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        await AssertProblemAsync(refused, 404);
    }

    [Fact]
    public async Task A_missing_json_body_answers_400_saying_a_body_is_required()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.PostAsync("/things", null);

        var body = await AssertProblemAsync(response, 400);
        Assert.Equal(ProblemResponses.MissingBody, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unreadable_json_body_answers_400_saying_it_is_not_valid_json()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.PostAsync("/things", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));

        var body = await AssertProblemAsync(response, 400);
        Assert.Equal(ProblemResponses.InvalidBody, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_query_value_that_does_not_bind_answers_400_naming_the_parameter()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/count?limit=many");

        var body = await AssertProblemAsync(response, 400);
        Assert.Contains("limit", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_exception_answers_its_error_and_is_not_a_500()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/refuse");

        var body = await AssertProblemAsync(response, 400);
        Assert.Equal("'x' is bad.", body.GetProperty("message").GetString());
        Assert.Equal("'x' is bad.", body.GetProperty("errors").GetProperty("x")[0].GetString());
    }

    [Fact]
    public async Task An_errors_extensions_are_members_of_the_problem()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/things/scarce");

        var body = await AssertProblemAsync(response, 409);
        Assert.Equal(3, body.GetProperty("available").GetInt32());
        Assert.Equal("Only 3 left.", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_success_and_the_problem_answers()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/openapi/v1.json");

        var responses = (await ReadJsonAsync(response)).GetProperty("paths").GetProperty("/things/{name}").GetProperty("get").GetProperty("responses");
        foreach (var status in new[] { "200", "400", "404", "409", "422", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"no {status} in {responses}");
        }
        Assert.True(responses.GetProperty("404").GetProperty("content").TryGetProperty(ProblemResponses.ContentType, out _), responses.ToString());
    }

    public sealed record Thing(string Name);

    private static Result<Thing> Find(string name) => name switch
    {
        "missing" => Error.NotFound($"Thing {name} does not exist."),
        "taken" => Error.Conflict($"Thing {name} is taken."),
        "locked" => Error.Forbidden($"Thing {name} is not yours to change."),
        "odd" => Error.BadRequest($"Thing {name} is malformed."),
        "away" => Error.Unavailable($"Thing {name} cannot be checked now."),
        "scarce" => Error.Conflict("Only 3 left.") with { Extensions = new Dictionary<string, object?> { ["available"] = 3 } },
        "invalid" => Error.Validation("name", "Required."),
        "gone" => Error.Unauthorized("A valid access token is required.", "Bearer error=\"invalid_token\""),
        _ => new Thing(name),
    };

    private static Task<TestService> StartAsync() => TestService.StartAsync(map: app =>
    {
        app.MapGet("/things/{name}", (string name) => Find(name).ToOk());
        app.MapDelete("/things/{name}", (string name) => (Find(name).Error is { } error ? error : Result.Success).ToNoContent());
        app.MapPost("/things", (Thing thing) => TypedResults.Ok(thing));
        app.MapGet("/count", (int? limit) => TypedResults.Ok(limit ?? 0));
        app.MapGet("/refuse", IResult () => throw new ProblemException(Error.BadValue("x", "'x' is bad.")));
    });

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(ProblemResponses.ContentType, response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(status, body.GetProperty("status_code").GetInt32());
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return body;
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

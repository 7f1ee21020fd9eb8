using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EStore.Platform.Tests;

public sealed class SmallResponseBufferingTests
{
    [Fact]
    public async Task A_small_json_answer_goes_out_with_its_length_not_chunked()
    {
        await using var service = await TestService.StartAsync(map: app =>
            app.MapGet("/item", () => Results.Ok(new { id = 42, name = "Chef's Knife", tags = new[] { "kitchen", "steel" } })));

        using var response = await service.Client.GetAsync("/item", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Contains("Chef's Knife", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_streams_chunked_and_arrives_whole()
    {
        var piece = Encoding.UTF8.GetBytes(new string('x', 10_000));
        await using var service = await TestService.StartAsync(map: app => app.MapGet("/large", async (HttpContext http) =>
        {
            for (var i = 0; i < 10; i++)
            {
                await http.Response.Body.WriteAsync(piece);
            }
        }));

        using var response = await service.Client.GetAsync("/large", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(new string('x', 100_000), body);
    }

    [Fact]
    public async Task A_stream_that_disables_buffering_reaches_the_client_before_it_ends()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var service = await TestService.StartAsync(map: app => app.MapGet("/events", async (HttpContext http) =>
        {
            // Written the way a serializer writes (Response.WriteAsync(string) would start the response, which
            // sends what is held anyway): only DisableBuffering lets "first" out before the endpoint ends.
            http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
            http.Response.ContentType = "text/event-stream";
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: first\n\n"));
            await http.Response.Body.FlushAsync();
            await released.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: last\n\n"));
        }));

        using var response = await service.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[13];
        await stream.ReadExactlyAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("data: first\n\n", Encoding.UTF8.GetString(first));

        released.SetResult();
        using var reader = new StreamReader(stream);
        Assert.Equal("data: last\n\n", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_failure_after_part_of_the_body_was_written_is_a_clean_500_problem()
    {
        await using var service = await TestService.StartAsync(map: app => app.MapGet("/half", async (HttpContext http) =>
        {
            // Response.WriteAsync(string) would start the response explicitly; a serializer writes like this.
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("{\"items\":["));
            throw new InvalidOperationException("the database went away");
        }));

        using var response = await service.Client.GetAsync("/half");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("items", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_synchronous_write_is_refused_as_kestrel_refuses_it_even_while_held()
    {
        await using var service = await TestService.StartAsync(map: app => app.MapGet("/sync", (HttpContext http) =>
        {
            // Small enough to be held: without the check it would succeed here and only fail, or not, later.
            http.Response.Body.Write(Encoding.UTF8.GetBytes("{}"));
            return Task.CompletedTask;
        }));

        using var response = await service.Client.GetAsync("/sync");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }
}

using System.Net;
using System.Text.Json;
using EStore.Platform.Paging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Tests.Paging;

public sealed class PageQueryBindingTests
{
    [Theory]
    [InlineData("", 1, PageQuery.DefaultSize)]
    [InlineData("?page=3&size=50", 3, 50)]
    [InlineData("?page=10000&size=100", PageQuery.MaxPage, PageQuery.MaxSize)]
    public async Task An_endpoint_parameter_binds_the_page_or_the_defaults(string query, int page, int size)
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync($"/list{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(page, body.GetProperty("page").GetInt32());
        Assert.Equal(size, body.GetProperty("size").GetInt32());
    }

    [Theory]
    [InlineData("page=0", "page", "'page' must be a whole number from 1 to 10000.")]
    [InlineData("page=abc", "page", "'page' must be a whole number from 1 to 10000.")]
    [InlineData("size=101", "size", "'size' must be a whole number from 1 to 100.")]
    [InlineData("size=-1", "size", "'size' must be a whole number from 1 to 100.")]
    public async Task Out_of_range_page_values_answer_400_naming_the_parameter_and_the_range(string query, string name, string message)
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync($"/list?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(message, body.GetProperty("message").GetString());
        Assert.Equal(message, body.GetProperty("errors").GetProperty(name)[0].GetString());
        Assert.Equal(400, body.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public void Bounded_names_the_value_and_its_range()
    {
        Assert.Null(PageQuery.Bounded("limit", null, 7, 1, 10, out var fallback));
        Assert.Equal(7, fallback);
        var error = PageQuery.Bounded("limit", "11", 7, 1, 10, out _);
        Assert.Equal("'limit' must be a whole number from 1 to 10.", error!.Message);
        Assert.Equal(["'limit' must be a whole number from 1 to 10."], error.Fields!["limit"]);
    }

    [Fact]
    public async Task The_openapi_document_lists_page_and_size_as_optional_integer_query_parameters()
    {
        await using var service = await StartAsync();

        using var response = await service.Client.GetAsync("/openapi/v1.json");

        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var parameters = document.GetProperty("paths").GetProperty("/list").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!);
        foreach (var name in new[] { "page", "size" })
        {
            Assert.Equal("query", parameters[name].GetProperty("in").GetString());
            Assert.Equal("integer", parameters[name].GetProperty("schema").GetProperty("type").GetString());
            Assert.False(parameters[name].TryGetProperty("required", out var required) && required.GetBoolean());
        }
    }

    private static Task<TestService> StartAsync() =>
        TestService.StartAsync(map: app => app.MapGet("/list", (PageQuery paging) => TypedResults.Ok(paging)));
}

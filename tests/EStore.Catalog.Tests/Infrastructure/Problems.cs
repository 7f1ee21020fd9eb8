using System.Net;
using System.Text.Json;

namespace EStore.Catalog.Tests.Infrastructure;

/// <summary>Checks of architecture.md's problem responses.</summary>
public static class Problems
{
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("message").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return problem.Clone();
    }
}

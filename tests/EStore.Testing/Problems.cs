using System.Net;
using System.Text.Json;

namespace EStore.Testing;

/// <summary>Checks of architecture.md's error answers: RFC 9457 problem+json with <c>error</c>, <c>message</c> and <c>status_code</c>, never internals.</summary>
public static class Problems
{
    /// <summary>Asserts the answer is that status with a complete problem body, and returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal((int)status, problem.GetProperty("status_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("error").GetString()), $"no error: {text}");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("message").GetString()), $"no message: {text}");
        Assert.False(problem.TryGetProperty("exception", out _), $"exception details: {text}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        return problem.Clone();
    }
}

using EStore.Platform.Errors;
using Microsoft.AspNetCore.Mvc;

namespace EStore.Gateway.Pipeline;

/// <summary>Writes the architecture.md problem body for answers the gateway gives itself.</summary>
public static class GatewayProblems
{
    public static async Task WriteAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = message };
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
        {
            ProblemResponses.Customize(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            await http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
        }
    }
}

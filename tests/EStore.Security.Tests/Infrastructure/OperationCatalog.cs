using System.Net;
using System.Text.Json;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>One operation of a service's OpenAPI document, as the gateway serves it.</summary>
public sealed record Operation(string App, string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters)
{
    public string Key => $"{Method} {Template}";

    public override string ToString() => $"{Key} ({App})";
}

/// <summary>Every operation the mesh offers: each routed service's OpenAPI document from the gateway's <c>/api-docs</c>.</summary>
public static class OperationCatalog
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static async Task<IReadOnlyList<Operation>> ReadAsync(SecurityMesh mesh)
    {
        var documents = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "/api-docs", null, null);
        var services = documents.EnumerateArray().Select(d => d.GetProperty("service").GetString()!).ToHashSet(StringComparer.Ordinal);
        // Every service of the mesh must be described (a missing one would be a silent gap).
        Assert.Superset(mesh.Apps.ToHashSet(StringComparer.Ordinal), services);
        var operations = new List<Operation>();
        foreach (var app in mesh.Apps)
        {
            var document = await mesh.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"/api-docs/{app}", null, null);
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                var shared = Parameters(path.Value);
                foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
                {
                    var parameters = shared.Concat(Parameters(operation.Value)).ToList();
                    var template = path.Name.TrimEnd('/') is { Length: > 0 } t ? t : "/";
                    // Every {name} of the template, documented or not (a group's route value read by the handler itself is not).
                    var inPath = template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')).Select(s => s[1..^1]);
                    operations.Add(new Operation(app, operation.Name.ToUpperInvariant(), template,
                        [.. inPath.Concat(parameters.Where(p => p.In == "path").Select(p => p.Name)).Distinct()],
                        [.. parameters.Where(p => p.In == "query").Select(p => p.Name).Distinct()]));
                }
            }
        }
        return operations;
    }

    private static IEnumerable<(string Name, string In)> Parameters(JsonElement item) =>
        item.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.TryGetProperty("in", out _)).Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!))
            : [];
}

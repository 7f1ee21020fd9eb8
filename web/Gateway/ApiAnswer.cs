using System.Net;
using System.Text.Json;

namespace EStore.Web.Gateway;

/// <summary>
/// An RFC 9457 problem from the API (docs/architecture.md "Errors"): its status, the sentence a person reads and the
/// failing fields, so a form can show each message next to the field it names.
/// </summary>
public sealed record ApiProblem(int Status, string Message, IReadOnlyDictionary<string, string[]> Fields)
{
    private static readonly Dictionary<string, string[]> NoFields = [];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The gateway could not be reached or did not answer in time.</summary>
    public static ApiProblem Unreachable { get; } = new(503, "The store cannot be reached right now. Please try again in a moment.", NoFields);

    /// <summary>The API answered something this app cannot read.</summary>
    public static ApiProblem Unexpected { get; } = new(502, "Something went wrong. Please try again.", NoFields);

    /// <summary>The lines a checkout refused (order-service's 409 <c>lines</c>), each with its reason; none for other problems.</summary>
    public IReadOnlyList<RefusedLine> Lines { get; init; } = [];

    /// <summary>The messages for <paramref name="field"/> (matched without regard to case), or none.</summary>
    public IReadOnlyList<string> For(string field) =>
        Fields.FirstOrDefault(f => string.Equals(f.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];

    /// <summary>Reads a problem body; a body that is not one still gives the status and a plain sentence.</summary>
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = body.RootElement;
            var message = Text(root, "message") ?? Text(root, "detail") ?? Text(root, "title") ?? Fallback(response.StatusCode);
            var fields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    fields[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                        ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                        : [field.Value.ToString()];
                }
            }
            IReadOnlyList<RefusedLine> lines = root.TryGetProperty("lines", out var refused) && refused.ValueKind == JsonValueKind.Array
                ? refused.Deserialize<List<RefusedLine>>(Json) ?? []
                : [];
            return new ApiProblem(status, message, fields) { Lines = lines };
        }
        catch (JsonException)
        {
            return new ApiProblem(status, Fallback(response.StatusCode), NoFields);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private static string Fallback(HttpStatusCode status) => status switch
    {
        HttpStatusCode.NotFound => "Not found.",
        HttpStatusCode.TooManyRequests => "Too many attempts. Please wait a minute and try again.",
        _ => "Something went wrong. Please try again.",
    };
}

/// <summary>An API call's value, or the problem the API answered instead.</summary>
public readonly record struct ApiAnswer<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;

    public static implicit operator ApiAnswer<T>(T value) => new(value, null);

    public static implicit operator ApiAnswer<T>(ApiProblem problem) => new(default, problem);
}

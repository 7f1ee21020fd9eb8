using System.Buffers;
using System.Text.Json;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>Eureka response bodies, written with the platform's wire codec and always sent as <c>application/json</c>.</summary>
internal static class EurekaResults
{
    private const string JsonContentType = "application/json";

    public static IResult Applications(RegistrySnapshot snapshot) =>
        Json(w => EurekaJson.WriteApplications(w, snapshot.Instances, snapshot.VersionsDelta, snapshot.HashCode));

    public static IResult Application(string appName, IReadOnlyList<EurekaInstance> instances) =>
        Json(w => EurekaJson.WriteApplication(w, appName, instances));

    public static IResult Instance(EurekaInstance instance, int statusCode = StatusCodes.Status200OK) =>
        Json(w => EurekaJson.WriteInstanceDocument(w, instance), statusCode);

    /// <summary>Eureka's answer to a body it cannot read.</summary>
    public static IResult CannotParseBody() =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "cannot parse request body");
            w.WriteEndObject();
        }, StatusCodes.Status400BadRequest);

    /// <summary>Eureka sends validation failures as plain text.</summary>
    public static IResult BadRequestText(string message) =>
        Results.Text(message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static IResult Json(Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        // Bytes rather than Results.Json: the exact content type (no charset) and a Content-Length.
        return new JsonBytesResult(buffer.WrittenMemory, statusCode);
    }

    private sealed class JsonBytesResult(ReadOnlyMemory<byte> body, int statusCode) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = JsonContentType;
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}

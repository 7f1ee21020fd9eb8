using EStore.Discovery.Caching;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Endpoints;

/// <summary>Eureka response bodies: exact content types (no charset), a Content-Length, gzip when asked for.</summary>
internal static class EurekaResults
{
    /// <summary>A cached registry document, gzip-compressed when the request accepts it.</summary>
    public static IResult Cached(CachedResponse response, ResponseFormat format) => new CachedResult(response, format);

    public static IResult Instance(EurekaInstance instance, ResponseFormat format, int statusCode = StatusCodes.Status200OK) =>
        new BytesResult(RegistryDocuments.Instance(instance, format), RegistryDocuments.ContentType(format), statusCode);

    public static IResult Json(byte[] body, int statusCode = StatusCodes.Status200OK) =>
        new BytesResult(body, "application/json", statusCode);

    /// <summary>Eureka's answer to a body it cannot read.</summary>
    public static IResult CannotParseBody() =>
        Json(RegistryDocuments.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", "cannot parse request body");
            w.WriteEndObject();
        }), StatusCodes.Status400BadRequest);

    /// <summary>Eureka sends validation failures as plain text.</summary>
    public static IResult BadRequestText(string message) => Text(message, StatusCodes.Status400BadRequest);

    public static IResult Text(string message, int statusCode) =>
        Results.Text(message, "text/plain; charset=utf-8", statusCode: statusCode);

    private sealed class BytesResult(byte[] body, string contentType, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = statusCode;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }

    private sealed class CachedResult(CachedResponse cached, ResponseFormat format) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = cached.StatusCode;
            if (cached.StatusCode != StatusCodes.Status200OK)
            {
                return Task.CompletedTask;
            }
            response.ContentType = RegistryDocuments.ContentType(format);
            response.Headers.Vary = "Accept, Accept-Encoding";
            var body = cached.Body;
            if (httpContext.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = cached.GzipBody;
                response.Headers.ContentEncoding = "gzip";
            }
            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}

using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace EStore.Discovery.Endpoints;

/// <summary>Reads a JSON request body the way Eureka accepts it, or says which 4xx to answer.</summary>
internal static class JsonRequestBody
{
    /// <summary>
    /// Parses the body. A missing content type counts as JSON (lenient, as no known client omits it);
    /// XML and every other type are refused with 415; a charset must be UTF-8 or ISO-8859-1.
    /// The document is null when the body cannot be used; then the error is the answer to send.
    /// </summary>
    public static async Task<(JsonDocument? Document, IResult? Error)> ReadAsync(HttpRequest request)
    {
        if (request.ContentType is { Length: > 0 } contentType)
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
            {
                return (null, Unsupported(contentType));
            }
            var type = mediaType.MediaType.Value ?? "";
            var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
            var charset = mediaType.Charset.Value;
            var charsetOk = charset is null
                || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)
                || charset.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase);
            if (!isJson || !charsetOk)
            {
                return (null, Unsupported(contentType));
            }
        }
        try
        {
            return (await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted), null);
        }
        catch (JsonException)
        {
            return (null, EurekaResults.CannotParseBody());
        }
    }

    private static IResult Unsupported(string contentType) => EurekaResults.Text(
        $"Unsupported content type '{contentType}': send application/json (UTF-8). XML request bodies are not supported.",
        StatusCodes.Status415UnsupportedMediaType);
}

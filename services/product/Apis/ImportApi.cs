using EStore.Platform.Errors;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Product.Import;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EStore.Product.Apis;

/// <summary>
/// <c>POST /api/products/import</c> (a CSV or JSON file for one shop, as a job) and <c>GET /api/products/imports/{id}</c>
/// (the job's progress and per-row report).
/// </summary>
public static class ImportApi
{
    public static IEndpointRouteBuilder MapImportApi(this IEndpointRouteBuilder endpoints)
    {
        var products = endpoints.MapGroup("/api/products").WithTags("Imports").RequireAuthorization(AuthorizationPolicies.Authenticated);
        products.MapPost("/import", ImportAsync).DisableAntiforgery();
        products.MapGet("/imports/{id:guid}", async (Guid id, PageQuery page, CurrentUser caller, ImportJobs jobs, CancellationToken ct) =>
            (await jobs.FindAsync(caller, id, page, ct)).ToOk());
        return endpoints;
    }

    private static async Task<Results<Accepted<ImportJobDto>, ProblemResult>> ImportAsync(
        Guid? shopId, bool? dryRun, bool? archiveMissing, bool? createCategories, string? format, HttpRequest request, CurrentUser caller,
        ImportJobs jobs, IOptions<ImportOptions> options, CancellationToken ct)
    {
        if (shopId is not { } shop)
        {
            return ProblemResponses.BadRequest("'shopId' is required and must be a shop id (a UUID).");
        }
        if (format is { Length: > 0 } && !format.Equals(ImportFileReader.Csv, StringComparison.OrdinalIgnoreCase)
            && !format.Equals(ImportFileReader.Json, StringComparison.OrdinalIgnoreCase))
        {
            return Error.BadValue("format", "'format' must be csv or json.").ToProblem();
        }
        // Ownership first: another owner's shop is 404 before its file is read.
        if (await jobs.CheckShopAsync(caller, shop, ct) is { } refused)
        {
            return refused.ToProblem();
        }
        var upload = await ReadUploadAsync(request, options.Value.MaxFileBytes, ct);
        if (upload.Error is { } error)
        {
            return error.ToProblem();
        }
        var (content, contentType, fileName) = upload.Value;
        var detected = ImportFileReader.DetectFormat(format, contentType, fileName, content);
        var result = await jobs.StartAsync(caller, new ImportRequest(shop, dryRun ?? false, archiveMissing ?? false, createCategories ?? false), content, detected, ct);
        return result.ToHttpResult(job => TypedResults.Accepted($"/api/products/imports/{job.Id}", job));
    }

    /// <summary>
    /// The file: the first file part of a multipart form, or the raw body. Never more than <paramref name="limit"/>
    /// bytes are read; a larger file is 413 (even one sent without a length).
    /// </summary>
    private static async Task<Result<(byte[] Content, string? ContentType, string? FileName)>> ReadUploadAsync(
        HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit + 64 * 1024 && !request.HasFormContentType)
        {
            return TooLarge(limit);
        }
        // Kestrel's own body limit (30 MB) must not cut a larger configured limit short; ours is checked below.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
        Stream body = request.Body;
        string? contentType = request.ContentType;
        string? fileName = null;
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return Error.BadRequest("The multipart body has no boundary.");
            }
            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = limit + 1 };
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                {
                    break;
                }
            }
            if (section is null)
            {
                return Error.BadRequest("The multipart form holds no file; send the CSV or JSON file as a file field.");
            }
            body = section.Body;
            contentType = section.ContentType;
            fileName = ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var d) ? HeaderUtilities.RemoveQuotes(d.FileName).Value : null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return TooLarge(limit);
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            // The multipart reader's own limit.
            return TooLarge(limit);
        }
        if (buffer.Length == 0)
        {
            return Error.BadRequest("The file is empty: send a CSV or JSON file as the body or as a multipart file field.");
        }
        return (buffer.ToArray(), contentType, fileName);
    }

    private static Error TooLarge(long limit) =>
        Error.TooLarge($"The file is larger than the import limit of {limit} bytes (Import:MaxFileBytes); split it into smaller files.");
}

using EStore.Product.Dtos;

namespace EStore.Product.Import;

/// <summary>An import job as <c>GET /api/products/imports/{id}</c> (and the 202 of the POST) shows it.</summary>
public sealed record ImportJobDto(
    Guid Id, Guid ShopId, Guid? FeedId, string Format, bool DryRun, bool ArchiveMissing, bool CreateCategories, string State,
    int RowsTotal, int RowsDone, int Created, int Updated, int Unchanged, int Rejected, int Archived, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, PagedResult<ImportRowDto>? Rows);

/// <summary>One row of a job's report: <c>CREATED</c>, <c>UPDATED</c>, <c>UNCHANGED</c> or <c>REJECTED</c> with the reason.</summary>
public sealed record ImportRowDto(int Row, string? Sku, string Outcome, string? Reason, Guid? ProductId, Guid? VariantId);

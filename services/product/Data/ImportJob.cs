namespace EStore.Product.Data;

/// <summary>Where an import job is.</summary>
public enum ImportJobState
{
    /// <summary>Stored, waiting for a worker.</summary>
    Queued,
    /// <summary>A worker holds its lease and applies batches (or its worker died and the lease has not ended yet).</summary>
    Running,
    /// <summary>Every row was worked (rejected rows included); the report is complete.</summary>
    Succeeded,
    /// <summary>Stopped with <see cref="ImportJob.Error"/>; batches committed before stay applied and reported.</summary>
    Failed,
}

/// <summary>
/// One import of a CSV or JSON file into a shop's catalog. The file is in <see cref="ImportFile"/>; workers claim the job
/// with a lease (<see cref="LeaseToken"/>, <see cref="LeaseUntil"/>) and commit each batch together with
/// <see cref="RowsDone"/>, so a job resumed after its worker died starts exactly after the last committed batch.
/// </summary>
public sealed class ImportJob
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    /// <summary>Who asked (the ledger's actor); for a feed run, the feed's owner.</summary>
    public Guid RequestedBy { get; set; }
    /// <summary>The supplier feed that fetched the file, if any.</summary>
    public Guid? FeedId { get; set; }
    public required string Format { get; set; }
    public bool DryRun { get; set; }
    public bool ArchiveMissing { get; set; }
    public bool CreateCategories { get; set; }
    public ImportJobState State { get; set; }
    public int RowsTotal { get; set; }
    public int RowsDone { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Rejected { get; set; }
    /// <summary>Products archived because none of their SKUs was in the file (<c>archiveMissing</c>).</summary>
    public int Archived { get; set; }
    public string? Error { get; set; }
    /// <summary>How many times a worker claimed the job; a job that keeps failing is given up.</summary>
    public int Attempts { get; set; }
    public Guid? LeaseToken { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>The uploaded (or fetched) file of an import job, kept apart so job reads never load it.</summary>
public sealed class ImportFile
{
    public Guid JobId { get; set; }
    public required byte[] Content { get; set; }
}

/// <summary>What an import did with one row.</summary>
public enum ImportRowOutcome
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>One line of an import job's report.</summary>
public sealed class ImportRowResult
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    /// <summary>The row's number in the file: 1 is the first data row (after a CSV's header), or the first array item.</summary>
    public int Row { get; set; }
    public string? Sku { get; set; }
    public ImportRowOutcome Outcome { get; set; }
    public string? Reason { get; set; }
    public Guid? ProductId { get; set; }
    public Guid? VariantId { get; set; }
}

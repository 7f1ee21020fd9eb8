using EStore.Platform.Hosting;

namespace EStore.Product.Import;

/// <summary><c>Import:*</c>: limits of an import file and how the job worker runs.</summary>
public sealed class ImportOptions : IValidatedOptions
{
    public const string Section = "Import";

    /// <summary>The largest file accepted (bytes); a larger one is 413 and nothing of it is stored.</summary>
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The most data rows one file may hold.</summary>
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Rows applied per transaction; the job's progress commits with each batch.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Whether this instance works import jobs (every instance does by default).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often the worker looks for jobs when it was not woken by a new one.</summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>How long a claim holds; renewed with every batch, taken over by another worker once it ended.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Claims after which a job that keeps failing is given up (Failed).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Whether shop owners may ask an import or feed to create categories (<c>createCategories=true</c>); admins always may.</summary>
    public bool OwnersMayCreateCategories { get; set; }

    /// <summary>Days a finished job keeps its file and per-row report; then the worker deletes both (the job and its counts stay).</summary>
    public int RetainDays { get; set; } = 30;

    public void Validate(OptionsCheck check)
    {
        check.Range(MaxFileBytes, 1024L, 1024L * 1024 * 1024);
        check.Range(MaxRows, 1, 1_000_000);
        check.Range(BatchSize, 1, 5_000);
        check.Range(PollIntervalMs, 50, 60_000);
        check.Range(LeaseSeconds, 5, 3_600);
        check.Range(MaxAttempts, 1, 100);
        check.Range(RetainDays, 1, 3_650);
    }
}

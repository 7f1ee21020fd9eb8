namespace EStore.Product.Data;

/// <summary>
/// A supplier's catalog at a URL, fetched on a schedule and applied to a shop as an import job. The credentials are
/// kept here for the fetch and never shown again; the secret part (the basic-auth password, the header's token) only
/// sealed (AES-256-GCM, <c>Feeds.FeedCredentialSeal</c>) under the key named by <see cref="CredentialKeyId"/>.
/// </summary>
public sealed class SupplierFeed
{
    public Guid Id { get; set; }
    public Guid ShopId { get; set; }
    /// <summary>Who registered it: the actor of its import jobs.</summary>
    public Guid CreatedBy { get; set; }
    public required string Url { get; set; }
    /// <summary><c>csv</c>, <c>json</c>, or null to tell from the answer.</summary>
    public string? Format { get; set; }
    public string? BasicUser { get; set; }
    /// <summary>The basic-auth password, sealed.</summary>
    public string? BasicPasswordSealed { get; set; }
    public string? HeaderName { get; set; }
    /// <summary>The header's token, sealed.</summary>
    public string? HeaderTokenSealed { get; set; }
    /// <summary>
    /// <c>SecretSeal.KeyId</c> of the <c>Feeds:CredentialKey</c> the secret was sealed with (null: no secret, or one
    /// stored in plain text before sealing, which startup seals).
    /// </summary>
    public string? CredentialKeyId { get; set; }
    public int IntervalMinutes { get; set; }
    public bool ArchiveMissing { get; set; }
    public bool CreateCategories { get; set; }
    /// <summary>When the scheduler runs it next; moved on by the claim, so one instance runs each due run.</summary>
    public DateTimeOffset NextRunAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One fetch of a feed: the import job it started, or why it failed.</summary>
public sealed class FeedRun
{
    public long Id { get; set; }
    public Guid FeedId { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Succeeded { get; set; }
    public string? Error { get; set; }
    public long Bytes { get; set; }
    public Guid? JobId { get; set; }
}

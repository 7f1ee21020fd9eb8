namespace EStore.Identity.Data;

/// <summary>
/// A verification or reset mail someone asked for, stored by the request (known and unknown addresses alike) and
/// handled by <c>MailRequestWorker</c>: whether an account exists is decided off the request path, and a request
/// the service accepted survives a crash.
/// </summary>
public sealed class PendingMail
{
    public long Id { get; set; }

    /// <summary>The address as <c>EmailAddresses.Normalize</c> gives it.</summary>
    public required string NormalizedEmail { get; set; }

    public OneTimeTokenPurpose Purpose { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Set by the instance handling it; another instance may take it over once this time has passed.</summary>
    public DateTime? LeasedUntil { get; set; }
}

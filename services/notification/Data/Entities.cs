namespace EStore.Notification.Data;

/// <summary>Where a mail is in its delivery.</summary>
public enum MailStatus
{
    /// <summary>Not sent yet: waiting for its first attempt or for the next retry.</summary>
    Pending,
    /// <summary>The SMTP server accepted it.</summary>
    Sent,
    /// <summary>Every attempt failed; an administrator may resend it.</summary>
    Failed,
}

/// <summary>
/// One e-mail, written in the transaction of the event that asked for it (with the inbox record), sent later by
/// <see cref="Delivery.MailDeliveryWorker"/>. The bodies are rendered at send time from <see cref="Model"/>, so a
/// verification or reset token stays sealed at rest: only the SMTP conversation carries it in the clear.
/// </summary>
public sealed class Mail
{
    public Guid Id { get; set; }

    /// <summary>The event that asked for it: with <see cref="Kind"/> and <see cref="ToAddress"/> unique, one mail per event.</summary>
    public Guid EventId { get; set; }

    /// <summary>The template name (<see cref="Services.MailKinds"/>).</summary>
    public required string Kind { get; set; }

    /// <summary>The user it belongs to (who sees it in <c>GET /api/notifications</c>); null when no user is known.</summary>
    public Guid? UserId { get; set; }

    public required string ToAddress { get; set; }

    public required string ToName { get; set; }

    /// <summary>Rendered when the mail is made (it holds no secret), for the lists.</summary>
    public required string Subject { get; set; }

    /// <summary>The template's values as JSON (a sealed token stays sealed here).</summary>
    public required string Model { get; set; }

    public MailStatus Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>What the SMTP server answered on acceptance (its queue id, for finding the mail there).</summary>
    public string? ProviderMessageId { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>When the next attempt is due (backoff after a failure).</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>An instance working on it holds it until then (several instances never send one mail twice at once).</summary>
    public DateTime? LeaseUntil { get; set; }

    public Guid? LeaseOwner { get; set; }
}

/// <summary>The local copy of a user's address and name, from <c>identity.events</c>: no call back to identity-service.</summary>
public sealed class Recipient
{
    public Guid UserId { get; set; }

    public required string Email { get; set; }

    public required string Name { get; set; }
}

/// <summary>The local copy of a shop's name, owner and contact address, from <c>shop.events</c>.</summary>
public sealed class ShopContact
{
    public Guid ShopId { get; set; }

    public Guid OwnerId { get; set; }

    public required string Name { get; set; }

    public required string Email { get; set; }
}

/// <summary>A user's choices of the mails they may turn off; no row means everything on.</summary>
public sealed class Preference
{
    public Guid UserId { get; set; }

    public bool Welcome { get; set; } = true;

    public bool LowStock { get; set; } = true;

    public bool ShopStatus { get; set; } = true;

    public DateTime UpdatedAt { get; set; }
}

using EStore.Platform.Hosting;
using MimeKit;

namespace EStore.Notification.Delivery;

/// <summary><c>Smtp:*</c>: the server every mail goes through (MailKit).</summary>
public sealed class SmtpOptions : IValidatedOptions
{
    public const string Section = "Smtp";

    /// <summary>The values of <see cref="Security"/>.</summary>
    public static readonly IReadOnlyList<string> SecurityModes = ["None", "StartTls", "SslOnConnect"];

    public string Host { get; set; } = "localhost";

    /// <summary>1025 is the local smtp4dev of <c>./estore up</c>; 587 (StartTls) or 465 (SslOnConnect) for a real relay.</summary>
    public int Port { get; set; } = 1025;

    /// <summary>Login, if the server wants one (then <see cref="Password"/> too).</summary>
    public string? Username { get; set; }

    [Secret]
    public string? Password { get; set; }

    /// <summary><c>None</c> (plain, local servers only), <c>StartTls</c> (required upgrade) or <c>SslOnConnect</c>.</summary>
    public string Security { get; set; } = "None";

    /// <summary>The sender, <c>Name &lt;address&gt;</c> or an address.</summary>
    public string From { get; set; } = "EStore <no-reply@estore.local>";

    /// <summary>Limit of one SMTP command, in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    public void Validate(OptionsCheck check)
    {
        check.Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), "is required: the SMTP server's host name.");
        check.Range(Port, 1, 65_535);
        check.OneOf(Security, [.. SecurityModes]);
        check.Require(MailboxAddress.TryParse(From, out _), nameof(From), $"'{From}' is not an e-mail address (\"Name <a@b.c>\" or \"a@b.c\").");
        check.Require(string.IsNullOrEmpty(Password) || !string.IsNullOrWhiteSpace(Username), nameof(Username), "is required when Smtp:Password is set.");
        check.Require(string.IsNullOrWhiteSpace(Username) || !string.IsNullOrEmpty(Password), nameof(Password), "is required when Smtp:Username is set.");
        // A password over plain SMTP can be read by anyone on the way.
        check.Require(string.IsNullOrWhiteSpace(Username) || !string.Equals(Security, "None", StringComparison.OrdinalIgnoreCase), nameof(Security),
            "must be StartTls or SslOnConnect when Smtp:Username is set.");
        check.Range(TimeoutSeconds, 1, 600);
    }
}

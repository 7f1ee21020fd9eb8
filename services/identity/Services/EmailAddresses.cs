using System.Net.Mail;
using System.Text;
using EStore.Platform.Text;

namespace EStore.Identity.Services;

/// <summary>E-mail hygiene and syntax, and the normalised form accounts are unique on.</summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's practical limit.</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// Why <paramref name="email"/> cannot be an account's address, or null when it can. Refused: control and
    /// invisible format characters (NUL, zero-width, bidi overrides and isolates), private-use and unassigned code
    /// points, and, after NFKC (full-width letters become plain ones), anything but ASCII: internationalised
    /// addresses are not supported, which also keeps out mixed-script lookalikes such as a Cyrillic "а".
    /// </summary>
    public static string? Check(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "is required.";
        }
        if (UnicodeText.FindForbidden(email) is { } forbidden)
        {
            return $"must not contain {forbidden}.";
        }
        var canonical = Canonical(email);
        if (!Ascii.IsValid(canonical))
        {
            return "must be written in ASCII letters, digits and symbols (internationalised addresses are not supported).";
        }
        return IsValid(canonical) ? null : "is not a valid e-mail address.";
    }

    /// <summary>True for a plain address (<c>local@domain</c>, no display name or comments).</summary>
    public static bool IsValid(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }
        var trimmed = email.Trim();
        if (trimmed.Length > MaxLength || trimmed.Any(char.IsControl) || trimmed.Count(c => c == '@') != 1)
        {
            return false;
        }
        return MailAddress.TryCreate(trimmed, out var address)
            && address.Address == trimmed
            && string.IsNullOrEmpty(address.DisplayName)
            && address.User.Length > 0
            && address.Host.Length > 0
            && !address.Host.StartsWith('.')
            && !address.Host.EndsWith('.');
    }

    /// <summary>The address as stored and shown: NFKC, trimmed, case kept.</summary>
    public static string Canonical(string email) => UnicodeText.Normalize(email);

    /// <summary>
    /// What accounts are unique on and looked up by: <see cref="Canonical"/>, then case-folded, so
    /// <c>Ann@Example.com</c>, <c>ann@example.COM</c> and the full-width <c>ａｎｎ@example.com</c> are one account.
    /// </summary>
    public static string Normalize(string email) => Canonical(email).ToLowerInvariant();
}

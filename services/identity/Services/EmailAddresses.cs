using System.Net.Mail;

namespace EStore.Identity.Services;

/// <summary>E-mail syntax check and the normalised form accounts are unique on.</summary>
public static class EmailAddresses
{
    /// <summary>RFC 5321's practical limit.</summary>
    public const int MaxLength = 254;

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

    /// <summary>
    /// Trimmed and lower-cased (Unicode simple case mapping): <c>Ann@Example.com</c> and <c>ann@example.COM</c>
    /// are one account. No Unicode normalisation: the service runs with invariant globalization, where
    /// <see cref="string.Normalize()"/> leaves non-ASCII text unchanged.
    /// </summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();
}

using System.Collections.Frozen;
using System.Globalization;

namespace EStore.Identity.Services;

/// <summary>
/// ASVS 6.2 password rules: a minimum length (8 by default), at most 128 characters and never truncated,
/// no composition rules, not the e-mail address or its local part, not on the shipped list of common passwords.
/// </summary>
public sealed class PasswordPolicy(IdentitySettings settings)
{
    /// <summary>Longest password accepted: well above ASVS's 64, short enough to keep hashing cheap to request.</summary>
    public const int MaxLength = 128;

    private static readonly FrozenSet<string> Common = LoadCommonPasswords();

    /// <summary>The reason <paramref name="password"/> is refused, or null when it is acceptable.</summary>
    public string? Check(string password, string email)
    {
        // Length in user-perceived characters: an emoji or a letter with a combining accent counts once.
        var length = new StringInfo(password).LengthInTextElements;
        if (length < settings.PasswordMinLength)
        {
            return $"must be at least {settings.PasswordMinLength} characters long.";
        }
        if (password.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters long.";
        }
        var folded = password.Trim().ToLowerInvariant();
        var normalizedEmail = EmailAddresses.Normalize(email);
        var local = normalizedEmail.Split('@')[0];
        if (folded == normalizedEmail || folded == local)
        {
            return "must not be your e-mail address.";
        }
        if (Common.Contains(folded))
        {
            return "is too common: it appears in lists of breached passwords.";
        }
        return null;
    }

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("EStore.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("the common-password list is not embedded.");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var word = line.Trim();
            if (word.Length > 0 && !word.StartsWith('#'))
            {
                words.Add(word.ToLowerInvariant());
            }
        }
        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}

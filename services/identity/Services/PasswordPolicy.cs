using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace EStore.Identity.Services;

/// <summary>
/// NIST SP 800-63B §3.1.1.2 / ASVS 6.2 password rules: a minimum length (8 by default), at most 128 characters
/// and never truncated, no composition rules, and a block list checked against the value the user would
/// really be relying on: not only spaces; not on the shipped list of common and breached passwords
/// (case-insensitive, also after stripping trailing digits and symbols and undoing common letter
/// substitutions, so <c>Password123!</c> and <c>P@ssw0rd</c> are refused); not the e-mail address, its local
/// part or domain, nor the store's name, with or without such additions; not one character repeated or a
/// short repeating pattern (<c>aaaaaaaa</c>, <c>abababab</c>); not a run of consecutive characters
/// (<c>12345678</c>, <c>abcdefgh</c>, <c>87654321</c>) or of neighbouring keys (<c>qwertyui</c>).
/// </summary>
public sealed class PasswordPolicy(IdentitySettings settings)
{
    /// <summary>Longest password accepted: above SP 800-63B's 64, short enough to keep hashing cheap to request.</summary>
    public const int MaxLength = 128;

    /// <summary>Context words every password is checked against besides the user's own e-mail address.</summary>
    public static readonly IReadOnlyList<string> ServiceWords = ["estore", "e-store", "e store"];

    // A base shorter than this once context words are removed is "derived from" them.
    private const int MinRemainder = 4;

    private static readonly FrozenSet<string> Common = LoadCommonPasswords();

    private static readonly string[] Runs =
    [
        "abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "azertyuiop",
        "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgb", "1q2w3e4r5t6y7u8i9o0p",
    ];

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
        if (string.IsNullOrWhiteSpace(password))
        {
            return "must not consist only of spaces.";
        }
        var folded = password.Trim().ToLowerInvariant();
        if (IsRepetitive(folded))
        {
            return "must not be one character repeated or a short repeating pattern (such as aaaaaaaa or abababab).";
        }
        if (IsRun(folded))
        {
            return "must not be a run of consecutive characters or neighbouring keys (such as 12345678, abcdefgh or qwertyui).";
        }
        var stem = Stem(folded);
        if (Common.Contains(folded) || Common.Contains(stem) || Common.Contains(Unleet(stem)))
        {
            return "is too common: it appears in lists of breached passwords (also with digits or symbols added).";
        }
        var normalizedEmail = EmailAddresses.Normalize(email);
        var at = normalizedEmail.LastIndexOf('@');
        var local = at > 0 ? normalizedEmail[..at] : normalizedEmail;
        var domain = at > 0 ? normalizedEmail[(at + 1)..] : "";
        var emailWords = new List<string> { normalizedEmail, local, domain };
        emailWords.AddRange(local.Split(['.', '-', '_', '+'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= MinRemainder));
        emailWords.AddRange(domain.Split('.', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= MinRemainder));
        if (IsDerivedFrom(folded, emailWords))
        {
            return "must not be your e-mail address or a part of it (even with digits or symbols added).";
        }
        if (IsDerivedFrom(folded, ServiceWords))
        {
            return "must not be based on the store's name.";
        }
        return null;
    }

    /// <summary>True when the password, minus every occurrence of the words and anything but letters, has almost nothing left.</summary>
    private static bool IsDerivedFrom(string folded, IEnumerable<string> words)
    {
        var rest = folded;
        var removed = false;
        foreach (var word in words.Where(w => w.Length > 0).OrderByDescending(w => w.Length))
        {
            if (rest.Contains(word, StringComparison.Ordinal))
            {
                rest = rest.Replace(word, "", StringComparison.Ordinal);
                removed = true;
            }
        }
        return removed && rest.Count(char.IsLetter) < MinRemainder;
    }

    /// <summary>One character repeated, or a unit of up to 3 characters repeated (aaaaaaaa, abababab, abcabcab).</summary>
    private static bool IsRepetitive(string text)
    {
        for (var period = 1; period <= 3 && period < text.Length; period++)
        {
            var repeats = true;
            for (var i = period; i < text.Length && repeats; i++)
            {
                repeats = text[i] == text[i - period];
            }
            if (repeats)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Consecutive code points up or down (12345678, abcdefgh, 87654321) or a stretch of a keyboard row.</summary>
    private static bool IsRun(string text)
    {
        if (text.Length >= 2)
        {
            var step = text[1] - text[0];
            if (step is 1 or -1 && Enumerable.Range(1, text.Length - 1).All(i => text[i] - text[i - 1] == step))
            {
                return true;
            }
        }
        foreach (var run in Runs)
        {
            if (run.Contains(text, StringComparison.Ordinal) || Reverse(run).Contains(text, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The password without trailing (and leading) digits, symbols and spaces: "password123!" gives "password".</summary>
    private static string Stem(string folded)
    {
        var end = folded.Length;
        while (end > 0 && !char.IsLetter(folded[end - 1]))
        {
            end--;
        }
        var start = 0;
        while (start < end && !char.IsLetter(folded[start]))
        {
            start++;
        }
        return folded[start..end];
    }

    /// <summary>Undoes common substitutions (p@ssw0rd gives password).</summary>
    private static string Unleet(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '0' => 'o',
                '1' or '!' => 'i',
                '3' => 'e',
                '4' or '@' => 'a',
                '5' or '$' => 's',
                '7' or '+' => 't',
                _ => c,
            });
        }
        return builder.ToString();
    }

    private static string Reverse(string text)
    {
        var chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
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

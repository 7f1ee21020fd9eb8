using System.Text.RegularExpressions;
using EStore.Platform.Text;

namespace EStore.Identity.Services;

/// <summary>Field rules for names, phone numbers and preferences.</summary>
public static partial class ProfileRules
{
    public const int MaxNameLength = 100;
    public const int MaxPhoneLength = 32;
    public const int MaxPreferences = 20;
    public const int MaxPreferenceValueLength = 500;

    /// <summary>
    /// Why <paramref name="name"/> cannot be a user's name, or null: required; no control, invisible format
    /// (zero-width, bidirectional), private-use or unassigned characters; at most 100 characters once normalised.
    /// </summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "is required."
        : UnicodeText.FindForbidden(name) is { } forbidden ? $"must not contain {forbidden}."
        : NormalizeName(name).Length > MaxNameLength ? $"must be at most {MaxNameLength} characters long."
        : null;

    /// <summary>The name as stored: NFKC, trimmed, inner white space collapsed.</summary>
    public static string NormalizeName(string name) => UnicodeText.Normalize(name);

    public static string? CheckPhone(string? phone) =>
        phone is null || Phone().IsMatch(phone) ? null : "must be a phone number: digits, spaces, ( ) - and an optional leading +, at most 32 characters.";

    public static string? CheckPreferences(IReadOnlyDictionary<string, string>? preferences)
    {
        if (preferences is null)
        {
            return null;
        }
        if (preferences.Count > MaxPreferences)
        {
            return $"must have at most {MaxPreferences} entries.";
        }
        foreach (var (key, value) in preferences)
        {
            if (!PreferenceKey().IsMatch(key))
            {
                return $"key '{Shorten(key)}' must be 1 to 50 letters, digits, '.', '_' or '-'.";
            }
            if (value is null || value.Length > MaxPreferenceValueLength || value.Any(char.IsControl))
            {
                return $"value of '{key}' must be text of at most {MaxPreferenceValueLength} characters.";
            }
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "...";

    [GeneratedRegex(@"^\+?[0-9 ()\-]{3,31}$")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,50}$")]
    private static partial Regex PreferenceKey();
}

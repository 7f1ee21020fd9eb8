using System.Text.RegularExpressions;

namespace EStore.Address.Services;

/// <summary>
/// Postal code formats of the countries checkout ships to most (US, CA, GB, DE, FR, NL, IN, AU, JP, BR), each with
/// the one form it is stored in; other countries take bounded free text.
/// </summary>
public static partial class PostalCodes
{
    private sealed record Format(Regex Pattern, string Example, Func<Match, string> Canonical);

    private static readonly Dictionary<string, Format> Formats = new(StringComparer.Ordinal)
    {
        ["US"] = new(Us(), "12345 or 12345-6789", m => m.Groups[2].Success ? $"{m.Groups[1].Value}-{m.Groups[2].Value}" : m.Groups[1].Value),
        ["CA"] = new(Ca(), "K1A 0B1", m => $"{m.Groups[1].Value} {m.Groups[2].Value}"),
        ["GB"] = new(Gb(), "SW1A 1AA", m => $"{m.Groups[1].Value} {m.Groups[2].Value}"),
        ["DE"] = new(FiveDigits(), "10115", m => m.Value),
        ["FR"] = new(FiveDigits(), "75008", m => m.Value),
        ["NL"] = new(Nl(), "1012 AB", m => $"{m.Groups[1].Value} {m.Groups[2].Value}"),
        ["IN"] = new(In(), "110001", m => m.Groups[1].Value + m.Groups[2].Value),
        ["AU"] = new(FourDigits(), "2000", m => m.Value),
        ["JP"] = new(Jp(), "100-0001", m => $"{m.Groups[1].Value}-{m.Groups[2].Value}"),
        ["BR"] = new(Br(), "01310-100", m => $"{m.Groups[1].Value}-{m.Groups[2].Value}"),
    };

    /// <summary>True when <paramref name="country"/> has a checked format (and so needs a postal code).</summary>
    public static bool IsChecked(string country) => Formats.ContainsKey(country);

    /// <summary>
    /// The stored form of <paramref name="text"/> (upper case, the country's separator) when it matches the format of
    /// <paramref name="country"/>, or the trimmed text for a country without one; otherwise null and an example.
    /// </summary>
    public static string? Normalize(string country, string text, out string? example)
    {
        example = null;
        var upper = text.ToUpperInvariant();
        if (!Formats.TryGetValue(country, out var format))
        {
            return upper;
        }
        var match = format.Pattern.Match(upper);
        if (match.Success)
        {
            return format.Canonical(match);
        }
        example = format.Example;
        return null;
    }

    [GeneratedRegex(@"^(\d{5})(?:[ -]?(\d{4}))?$")]
    private static partial Regex Us();

    // No D, F, I, O, Q or U anywhere, and no W or Z first (Canada Post).
    [GeneratedRegex(@"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)$")]
    private static partial Regex Ca();

    // Outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA); GIR 0AA is Girobank's.
    [GeneratedRegex(@"^([A-Z]{1,2}\d[A-Z\d]?|GIR) ?(\d[A-Z]{2})$")]
    private static partial Regex Gb();

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex FourDigits();

    // PostNL never issues the letter pairs SA, SD and SS.
    [GeneratedRegex(@"^([1-9]\d{3}) ?((?!SA|SD|SS)[A-Z]{2})$")]
    private static partial Regex Nl();

    [GeneratedRegex(@"^([1-9]\d{2}) ?(\d{3})$")]
    private static partial Regex In();

    [GeneratedRegex(@"^(\d{3})-?(\d{4})$")]
    private static partial Regex Jp();

    [GeneratedRegex(@"^(\d{5})-?(\d{3})$")]
    private static partial Regex Br();
}

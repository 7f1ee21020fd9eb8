using System.Buffers;
using System.Globalization;
using System.Text;

namespace EStore.Platform.Text;

/// <summary>
/// Unicode hygiene for names people see and compare: normalisation (NFKC), refusal of invisible or undefined
/// characters, and the confusable skeleton of Unicode Technical Standard #39 for "looks the same" uniqueness.
/// </summary>
/// <remarks>
/// Every EStore process runs with <c>InvariantGlobalization</c>, where <see cref="string.Normalize(NormalizationForm)"/>
/// silently returns non-ASCII text unchanged. This class therefore calls the system's ICU library itself
/// (<see cref="IcuText"/>: <c>libicuuc</c>/<c>libicui18n</c>, any version from 50 to 99) for NFKC and the confusable
/// skeleton. Without ICU it falls back to a built-in table (full-width forms, common Latin/Cyrillic/Greek lookalikes,
/// digits against letters); <see cref="Engine"/> says which one is in use.
/// </remarks>
public static class UnicodeText
{
    /// <summary>Which implementation is in use: <c>"ICU 72"</c> (for example) or <c>"built-in table"</c>.</summary>
    public static string Engine => IcuText.Instance is { } icu ? $"ICU {icu.Version}" : "built-in table";

    /// <summary>
    /// The form a name is stored in: Unicode NFKC (full-width and other compatibility forms become their plain
    /// letters, accents are composed), surrounding white space removed and every inner run of white space
    /// replaced by a single space.
    /// </summary>
    /// <param name="text">The text as the client sent it.</param>
    /// <returns>The normalised text; empty when <paramref name="text"/> is only white space.</returns>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = NormalizeKc(text);
        var result = new StringBuilder(normalized.Length);
        var pendingSpace = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                result.Append(' ');
                pendingSpace = false;
            }
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>
    /// The key two names are compared by when case must not matter: <see cref="Normalize"/> (NFKC, trimmed, inner
    /// white space collapsed), then upper-cased with the invariant culture. Store it next to a name (a unique index
    /// or a search column) and compute a query's key the same way, so <c>"Ｖｏｌｔ"</c>, <c>" volt "</c> and
    /// <c>"VOLT"</c> find <c>"Volt"</c> in every service. Unlike <see cref="Skeleton"/> it keeps lookalikes apart
    /// (<c>"Vоlt"</c> with a Cyrillic о has another key).
    /// </summary>
    /// <param name="text">A name or a query, as sent or as stored.</param>
    /// <returns>The comparison key, as long as <see cref="Normalize"/>'s result (the upper-casing keeps the length);
    /// empty when <paramref name="text"/> is only white space.</returns>
    /// <example><c>ComparisonKey("  Ｄａｉｌｙ   grind ")</c> is <c>"DAILY GRIND"</c>.</example>
    public static string ComparisonKey(string text) => Normalize(text).ToUpperInvariant();

    /// <summary>
    /// The first character a name must not contain, described for a person, or null when there is none: control
    /// characters (category Cc, including NUL, tab and line breaks), format characters (Cf: zero-width spaces and
    /// joiners, bidirectional marks, embeddings, overrides and isolates, the byte-order mark), other invisible
    /// default-ignorable characters (variation selectors, Hangul fillers), unassigned code points, private-use
    /// characters, unpaired surrogates and noncharacters.
    /// </summary>
    /// <param name="text">The text to check, before or after <see cref="Normalize"/>.</param>
    /// <returns>For example <c>"a bidirectional text control (U+202E) at position 4"</c>, or null.</returns>
    public static string? FindForbidden(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = 0;
        var position = 1;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed) != OperationStatus.Done)
            {
                return $"an unpaired surrogate (U+{(int)text[index]:X4}) at position {position}";
            }
            if (Describe(rune) is { } what)
            {
                return $"{what} (U+{rune.Value:X4}) at position {position}";
            }
            index += consumed;
            position++;
        }
        return null;
    }

    /// <summary>
    /// The confusable skeleton of a name (Unicode TS #39): two names with the same skeleton look alike, so a
    /// unique index on it refuses lookalikes. Computed as: <see cref="Normalize"/> (NFKC), remove invisible
    /// characters (<see cref="FindForbidden"/>'s format and ignorable ones), TS #39 skeleton (NFD, map each
    /// character to its confusable prototype, NFD), then case-fold (lower-case invariant).
    /// </summary>
    /// <param name="text">A name, as sent or as stored.</param>
    /// <returns>A string for comparison only; never show it.</returns>
    /// <example><c>Skeleton("Volt")</c>, <c>Skeleton("Vоlt")</c> (Cyrillic о), <c>Skeleton("Ｖｏｌｔ")</c> and
    /// <c>Skeleton("VOLT")</c> are equal.</example>
    public static string Skeleton(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var visible = RemoveInvisible(Normalize(text));
        var skeleton = IcuText.Instance is { } icu ? icu.Skeleton(visible) : BuiltInTable.Skeleton(visible);
        return skeleton.ToLowerInvariant();
    }

    /// <summary>Whether two names look alike: their <see cref="Skeleton"/>s are equal.</summary>
    /// <param name="first">One name.</param>
    /// <param name="second">The other name.</param>
    /// <returns>True when a reader could take one for the other.</returns>
    public static bool AreConfusable(string first, string second) =>
        string.Equals(Skeleton(first), Skeleton(second), StringComparison.Ordinal);

    private static string NormalizeKc(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text;
        }
        return IcuText.Instance is { } icu ? icu.NormalizeKc(text) : BuiltInTable.NormalizeKc(text);
    }

    private static string RemoveInvisible(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is not (UnicodeCategory.Format or UnicodeCategory.Control) && !IsInvisible(rune.Value))
            {
                result.Append(rune.ToString());
            }
        }
        return result.ToString();
    }

    private static string? Describe(Rune rune)
    {
        var value = rune.Value;
        if (IsNoncharacter(value))
        {
            return "a noncharacter";
        }
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
                return value == 0 ? "a NUL character" : "a control character";
            case UnicodeCategory.Format:
                return value switch
                {
                    0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) =>
                        "a bidirectional text control",
                    0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF => "a zero-width character",
                    _ => "an invisible formatting character",
                };
            case UnicodeCategory.OtherNotAssigned:
                return "an unassigned code point";
            case UnicodeCategory.PrivateUse:
                return "a private-use character";
            case UnicodeCategory.Surrogate:
                return "an unpaired surrogate";
            default:
                return IsInvisible(value) ? "an invisible character" : null;
        }
    }

    // Default-ignorable code points outside Cc/Cf: combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
    // Mongolian variation selectors and vowel separator, variation selectors.
    private static bool IsInvisible(int value) => value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5
        or (>= 0x180B and <= 0x180F) or 0x3164 or 0xFFA0 or (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF);

    private static bool IsNoncharacter(int value) => value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;
}

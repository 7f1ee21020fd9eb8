using System.Buffers;
using System.Globalization;
using System.Text;

namespace EStore.Identity.Services;

/// <summary>
/// Unicode hygiene for e-mail addresses and names: NFKC + trim, and the first character that must not appear
/// (control Cc, format Cf such as zero-width and bidirectional controls, private use, unassigned, unpaired
/// surrogates). The processes run with <c>InvariantGlobalization</c>, where <see cref="string.Normalize(NormalizationForm)"/>
/// returns non-ASCII text unchanged (checked by <c>Invariant_globalization_leaves_full_width_text_unnormalized</c>),
/// so the compatibility forms that matter for lookalikes (full-width and half-width forms, special spaces,
/// ligatures) are folded here. The shared helper <c>EStore.Platform.Text</c> (branch sec-catalog) replaces this
/// once it is merged.
/// </summary>
public static class TextHygiene
{
    /// <summary>NFKC (the forms above), outer white space trimmed, inner runs of white space collapsed to one space.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case >= '\uFF01' and <= '\uFF5E':
                    folded.Append((char)(c - 0xFF01 + 0x21));
                    break;
                case '\u3000' or '\u00A0' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F':
                    folded.Append(' ');
                    break;
                case '\uFB00':
                    folded.Append("ff");
                    break;
                case '\uFB01':
                    folded.Append("fi");
                    break;
                case '\uFB02':
                    folded.Append("fl");
                    break;
                default:
                    folded.Append(c);
                    break;
            }
        }
        var normalized = folded.ToString();
        try
        {
            // Does the full job with ICU, and is harmless (ASCII only) without it.
            normalized = normalized.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Unpaired surrogates: FindForbidden refuses the text anyway.
        }
        var result = new StringBuilder(normalized.Length);
        var pendingSpace = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c) && !char.IsControl(c))
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

    /// <summary>The first forbidden character described for a person (e.g. "a format character (U+200B) at position 4"), or null.</summary>
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
            var what = Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.Control => "a control character",
                UnicodeCategory.Format => "an invisible format character (zero-width or bidirectional control)",
                UnicodeCategory.PrivateUse => "a private-use character",
                UnicodeCategory.OtherNotAssigned => "an unassigned code point",
                UnicodeCategory.Surrogate => "an unpaired surrogate",
                _ when (rune.Value & 0xFFFE) == 0xFFFE || rune.Value is >= 0xFDD0 and <= 0xFDEF => "a noncharacter",
                _ => null,
            };
            if (what is not null)
            {
                return $"{what} (U+{rune.Value:X4}) at position {position}";
            }
            index += consumed;
            position++;
        }
        return null;
    }
}

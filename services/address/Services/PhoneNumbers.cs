namespace EStore.Address.Services;

/// <summary>
/// Phone numbers in E.164: a plus and 8 to 15 digits, the first not 0. Hand-written on purpose: checkout needs a
/// number a carrier can dial, not a numbering-plan database, and no maintained E.164 package is on the NuGet list.
/// </summary>
public static class PhoneNumbers
{
    /// <summary>The E.164 form of <paramref name="text"/> (spaces, dashes, dots and parentheses removed; a leading 00 becomes +), or null.</summary>
    public static string? Normalize(string text)
    {
        var kept = new string([.. text.Where(c => c is not (' ' or '-' or '.' or '(' or ')'))]);
        if (kept.StartsWith("00", StringComparison.Ordinal))
        {
            kept = "+" + kept[2..];
        }
        var digits = kept.Length > 0 && kept[0] == '+' ? kept[1..] : null;
        return digits is { Length: >= 8 and <= 15 } && digits.All(char.IsAsciiDigit) && digits[0] != '0' ? kept : null;
    }
}

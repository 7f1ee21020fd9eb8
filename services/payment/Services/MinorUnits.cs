namespace EStore.Payment.Services;

/// <summary>
/// Decimal amounts to the provider's whole minor units and back (ISO 4217 exponents as Stripe uses them). Never a
/// floating-point step: an amount with more decimals than its currency has is refused, not rounded.
/// </summary>
public static class MinorUnits
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.OrdinalIgnoreCase) { "BHD", "JOD", "KWD", "OMR", "TND" };

    public static int Exponent(string currency) => ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    /// <summary>The amount in minor units; null when it is negative or has more decimals than the currency allows.</summary>
    public static long? ToMinor(decimal amount, string currency)
    {
        var scaled = amount * Factor(currency);
        return amount < 0 || scaled != decimal.Truncate(scaled) || scaled > long.MaxValue ? null : (long)scaled;
    }

    public static decimal FromMinor(long minor, string currency) => minor / Factor(currency);

    public static bool IsCurrencyCode(string? currency) => currency is { Length: 3 } && currency.All(char.IsAsciiLetter);

    private static decimal Factor(string currency) => Exponent(currency) switch { 0 => 1m, 3 => 1000m, _ => 100m };
}

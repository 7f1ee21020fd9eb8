using System.Globalization;

namespace EStore.Web.Gateway;

/// <summary>Prices as a shopper reads them: the amount with two decimals and the ISO currency code.</summary>
public static class Money
{
    public static string Format(decimal amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount:0.00} {currency}");
}

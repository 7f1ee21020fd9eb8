using System.Globalization;
using System.Text.Json;

namespace EStore.Payment.Services;

/// <summary>A card request that passed <see cref="CardRules"/>: digits only, whole numbers.</summary>
public sealed record CardInput(string Number, int ExpiryMonth, int ExpiryYear, string Cvc, Guid? BillingAddressId);

/// <summary>
/// Reads and checks <c>POST /api/payment-methods</c>: the reference shape
/// <c>{"payment_type": "Card", "details": {"card_number", "expiry_month", "expiry_year", "cvc"}}</c> or its camelCase
/// twin, an optional <c>billing_address_id</c>. Each failing field is named (in the reference's snake_case);
/// the problem never repeats a value, so the number cannot be echoed.
/// </summary>
public static class CardRules
{
    /// <summary>The payment types this service can save.</summary>
    public static readonly IReadOnlyList<string> PaymentTypes = ["Card"];

    public static Dictionary<string, string[]> Validate(JsonElement body, DateTimeOffset now, out CardInput card)
    {
        var errors = new Dictionary<string, string[]>();
        card = null!;
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["Expected a JSON object with payment_type and details."];
            return errors;
        }
        var type = Text(Member(body, "payment_type"));
        if (type is null)
        {
            errors["payment_type"] = [$"Required; one of {string.Join(", ", PaymentTypes)}."];
        }
        else if (!PaymentTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            errors["payment_type"] = [$"Unknown payment type; one of {string.Join(", ", PaymentTypes)}."];
        }
        Guid? billing = null;
        if (Member(body, "billing_address_id") is { ValueKind: not JsonValueKind.Null } address)
        {
            if (Guid.TryParse(Text(address), out var id))
            {
                billing = id;
            }
            else
            {
                errors["billing_address_id"] = ["Must be an address id (a UUID)."];
            }
        }
        if (Member(body, "details") is not { ValueKind: JsonValueKind.Object } details)
        {
            errors["details"] = ["Required: card_number, expiry_month, expiry_year and cvc."];
            return errors;
        }

        var number = Digits(Text(Member(details, "card_number")));
        if (number is null || number.Length is < 12 or > 19)
        {
            errors["details.card_number"] = ["Must be 12 to 19 digits."];
        }
        else if (!Luhn(number))
        {
            errors["details.card_number"] = ["Is not a valid card number (checksum)."];
        }
        var month = Whole(Member(details, "expiry_month"));
        if (month is not (>= 1 and <= 12))
        {
            errors["details.expiry_month"] = ["Must be a month from 1 to 12."];
        }
        var year = Whole(Member(details, "expiry_year"));
        if (year is >= 0 and < 100)
        {
            year += 2000;
        }
        if (year is null || year < 2000 || year > now.Year + 25)
        {
            errors["details.expiry_year"] = [$"Must be a year from {now.Year} to {now.Year + 25}."];
        }
        else if (month is >= 1 and <= 12 && (year < now.Year || (year == now.Year && month < now.Month)))
        {
            errors["details.expiry_year"] = ["The card has expired."];
        }
        var cvc = Text(Member(details, "cvc"));
        if (cvc is null || cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit))
        {
            errors["details.cvc"] = ["Must be 3 or 4 digits."];
        }
        if (errors.Count == 0)
        {
            card = new CardInput(number!, month!.Value, year!.Value, cvc!, billing);
        }
        return errors;
    }

    /// <summary>The Luhn checksum every card number carries.</summary>
    public static bool Luhn(string digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    // snake_case or camelCase, any case: "card_number", "cardNumber", "CardNumber".
    private static JsonElement? Member(JsonElement parent, string snake)
    {
        var wanted = snake.Replace("_", "", StringComparison.Ordinal);
        foreach (var property in parent.EnumerateObject())
        {
            if (string.Equals(property.Name.Replace("_", "", StringComparison.Ordinal), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }
        return null;
    }

    private static string? Text(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString()?.Trim(),
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    // Spaces and dashes people type between groups are allowed; anything else is not a number.
    private static string? Digits(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var digits = text.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length > 0 && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private static int? Whole(JsonElement? value) =>
        value is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i
        : int.TryParse(Text(value), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;
}

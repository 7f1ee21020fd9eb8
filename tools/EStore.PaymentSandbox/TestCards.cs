namespace EStore.PaymentSandbox;

/// <summary>What happens when a card is charged.</summary>
internal enum ChargeBehaviour
{
    Succeed,
    Decline,
    ProcessingError,
    /// <summary>Answers <c>processing</c>; succeeds after <see cref="SandboxOptions.SettleDelayMs"/> with a webhook.</summary>
    SettleLater,
    /// <summary>Answers only after <see cref="SandboxOptions.SlowDelayMs"/>, then succeeds.</summary>
    Slow,
}

/// <summary>A test card's charge outcome: the behaviour, and for a decline Stripe's <c>code</c> and <c>decline_code</c>.</summary>
internal sealed record CardOutcome(ChargeBehaviour Behaviour, string? Code = null, string? DeclineCode = null, string? Message = null);

/// <summary>
/// Stripe's documented test card numbers (docs.stripe.com/testing) and the two of the sandbox's own. The outcome is
/// decided when the card is tokenised and kept with the payment method instead of the number, which is never kept.
/// Any other number that passes Luhn behaves like 4242424242424242 (Stripe's test mode would refuse it).
/// </summary>
internal static class TestCards
{
    private const string Declined = "Your card was declined.";

    private static readonly Dictionary<string, CardOutcome> Outcomes = new(StringComparer.Ordinal)
    {
        ["4000000000000002"] = new(ChargeBehaviour.Decline, "card_declined", "generic_decline", Declined),
        ["4000000000009995"] = new(ChargeBehaviour.Decline, "card_declined", "insufficient_funds", "Your card has insufficient funds."),
        ["4000000000009987"] = new(ChargeBehaviour.Decline, "card_declined", "lost_card", Declined),
        ["4000000000009979"] = new(ChargeBehaviour.Decline, "card_declined", "stolen_card", Declined),
        ["4000000000000069"] = new(ChargeBehaviour.Decline, "expired_card", "expired_card", "Your card has expired."),
        ["4000000000000127"] = new(ChargeBehaviour.Decline, "incorrect_cvc", "incorrect_cvc", "Your card's security code is incorrect."),
        ["4000000000000119"] = new(ChargeBehaviour.ProcessingError, "processing_error", null, "An error occurred while processing your card. Try again in a little bit."),
        ["4000000000006975"] = new(ChargeBehaviour.SettleLater),
        ["4000000000001000"] = new(ChargeBehaviour.Slow),
    };

    private static readonly CardOutcome Success = new(ChargeBehaviour.Succeed);

    public static CardOutcome OutcomeOf(string number) => Outcomes.GetValueOrDefault(number, Success);

    /// <summary>Stripe's brand names by the number's leading digits.</summary>
    public static string BrandOf(string number) => number switch
    {
        ['4', ..] => "visa",
        ['3', '4' or '7', ..] => "amex",
        ['5', >= '1' and <= '5', ..] => "mastercard",
        ['2', ..] when int.Parse(number[..4], System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720 => "mastercard",
        ['6', '0', '1', '1', ..] or ['6', '5', ..] or ['6', '4', >= '4', ..] => "discover",
        ['3', '5', ..] => "jcb",
        ['3', '0' or '6' or '8' or '9', ..] => "diners",
        ['6', '2', ..] => "unionpay",
        _ => "unknown",
    };

    /// <summary>The Luhn check every card number passes.</summary>
    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}

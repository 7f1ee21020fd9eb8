using EStore.Payment.Provider;
using EStore.Payment.Services;
using EStore.Platform.Hosting;

namespace EStore.Payment.Tests;

/// <summary><c>Payment:*</c> is checked at start: one line naming the key for each bad value, never a secret's value.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void The_provider_needs_its_base_URL_and_both_secrets()
    {
        var result = new ValidatedOptionsValidator<ProviderOptions>(ProviderOptions.Section).Validate(null, new ProviderOptions());

        Assert.Equal(
        [
            "Payment:Provider:BaseUrl: required: the provider's API base, e.g. https://api.stripe.com or the sandbox's URL.",
            "Payment:Provider:ApiKey: required: the provider's secret API key.",
            "Payment:Provider:WebhookSecret: required: the provider's webhook signing secret.",
        ], result.Failures!);
    }

    [Fact]
    public void A_bad_base_URL_or_timeout_is_named_and_a_good_configuration_passes()
    {
        var options = new ProviderOptions { BaseUrl = "api.stripe.com", ApiKey = "sk_test_x", WebhookSecret = "whsec_x", TimeoutSeconds = 0 };

        var result = new ValidatedOptionsValidator<ProviderOptions>(ProviderOptions.Section).Validate(null, options);

        Assert.Equal(
        [
            "Payment:Provider:BaseUrl: 'api.stripe.com' is not an http(s) URL such as https://api.stripe.com.",
            "Payment:Provider:TimeoutSeconds: '0' must be from 1 to 120.",
        ], result.Failures!);
        Assert.DoesNotContain(result.Failures!, line => line.Contains("sk_test_x", StringComparison.Ordinal));
        options.BaseUrl = "https://api.stripe.com";
        options.TimeoutSeconds = 20;
        Assert.True(new ValidatedOptionsValidator<ProviderOptions>(ProviderOptions.Section).Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0, 500, 120, "Payment:Charges:PollIntervalMs: '0' must be from 10 to 60000.")]
    [InlineData(500, 0, 120, "Payment:Charges:MinBackoffMs: '0' must be from 1 to 600000.")]
    [InlineData(500, 500, 0, "Payment:Charges:GiveUpSeconds: '0' must be from 1 to 82800.")]
    [InlineData(500, 500, 90_000, "Payment:Charges:GiveUpSeconds: '90000' must be from 1 to 82800.")]
    public void A_charge_setting_out_of_range_stops_startup_naming_the_key(int pollMs, int minBackoffMs, int giveUpSeconds, string line)
    {
        var options = new ChargeOptions { PollIntervalMs = pollMs, MinBackoffMs = minBackoffMs, GiveUpSeconds = giveUpSeconds };

        var result = new ValidatedOptionsValidator<ChargeOptions>(ChargeOptions.Section).Validate(null, options);

        Assert.Equal([line], result.Failures!);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void A_charging_concurrency_outside_1_to_64_stops_startup_naming_the_key(int concurrency)
    {
        var result = new ValidatedOptionsValidator<ChargeOptions>(ChargeOptions.Section).Validate(null, new ChargeOptions { Concurrency = concurrency });

        Assert.Equal([$"Payment:Charges:Concurrency: '{concurrency}' must be from 1 to 64."], result.Failures!);
    }

    [Theory]
    [InlineData("4242424242424242", true)]
    [InlineData("5555555555554444", true)]
    [InlineData("4000000000000002", true)]
    [InlineData("4242424242424241", false)]
    [InlineData("79927398713", true)]
    public void Luhn_accepts_exactly_the_numbers_whose_check_digit_fits(string digits, bool valid) =>
        Assert.Equal(valid, CardRules.Luhn(digits));

    [Theory]
    [InlineData("25.00", "EUR", 2500L)]
    [InlineData("0.01", "USD", 1L)]
    [InlineData("1500", "JPY", 1500L)]
    [InlineData("1.234", "KWD", 1234L)]
    public void Amounts_go_to_the_provider_in_whole_minor_units(string amount, string currency, long minor) =>
        Assert.Equal(minor, MinorUnits.ToMinor(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));

    [Theory]
    [InlineData("25.001", "EUR")]
    [InlineData("1500.5", "JPY")]
    [InlineData("-1", "EUR")]
    public void An_amount_finer_than_its_currency_or_negative_is_refused_not_rounded(string amount, string currency) =>
        Assert.Null(MinorUnits.ToMinor(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));
}

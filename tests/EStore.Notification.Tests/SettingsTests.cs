using EStore.Notification.Delivery;
using EStore.Platform.Hosting;

namespace EStore.Notification.Tests;

/// <summary><c>Smtp:*</c>, <c>Notifications:*</c> and <c>AccountTokens:*</c> are checked at start: one line naming the key.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void The_defaults_are_valid_except_the_key_which_must_be_given()
    {
        Assert.True(Check(new SmtpOptions(), SmtpOptions.Section).Succeeded);
        Assert.True(Check(new NotificationOptions(), NotificationOptions.Section).Succeeded);
        Assert.Equal(["AccountTokens:EncryptionKey: is required: base64 of exactly 32 bytes, identity-service's key."],
            Check(new AccountTokenKeyOptions(), AccountTokenKeyOptions.Section).Failures!);
    }

    [Theory]
    [InlineData("Ssl", "Smtp:Security: 'Ssl'")]
    [InlineData("Tls", "Smtp:Security: 'Tls'")]
    public void An_unknown_security_mode_stops_startup_naming_the_key(string security, string start)
    {
        var failure = Assert.Single(Check(new SmtpOptions { Security = security }, SmtpOptions.Section).Failures!);

        Assert.StartsWith(start, failure);
    }

    [Fact]
    public void Bad_smtp_values_are_each_one_line()
    {
        var options = new SmtpOptions { Host = " ", Port = 0, From = "not an address", Password = "secret-value" };

        var failures = Check(options, SmtpOptions.Section).Failures!.ToList();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Smtp:Host: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Smtp:Port: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Smtp:From: 'not an address' is not an e-mail address", StringComparison.Ordinal));
        Assert.Contains("Smtp:Username: is required when Smtp:Password is set.", failures);
        // The password is never repeated back.
        Assert.DoesNotContain(failures, f => f.Contains("secret-value", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("None", false)]
    [InlineData("StartTls", true)]
    [InlineData("SslOnConnect", true)]
    public void A_login_is_only_sent_over_tls(string security, bool accepted)
    {
        var result = Check(new SmtpOptions { Username = "mailer", Password = "secret-value", Security = security }, SmtpOptions.Section);

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Equal(["Smtp:Security: must be StartTls or SslOnConnect when Smtp:Username is set."], result.Failures!);
        }
    }

    [Fact]
    public void Bad_delivery_values_are_each_one_line()
    {
        var options = new NotificationOptions { StoreUrl = "ftp://x", MaxAttempts = 0, RetryInitialMs = 5_000, RetryMaxMs = 1_000, VerifyEmailPath = "verify" };

        var failures = Check(options, NotificationOptions.Section).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("Notifications:StoreUrl: ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Notifications:MaxAttempts: ", StringComparison.Ordinal));
        Assert.Contains("Notifications:RetryMaxMs: must not be below Notifications:RetryInitialMs.", failures);
        Assert.Contains("Notifications:VerifyEmailPath: must start with '/'.", failures);
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused_without_repeating_it()
    {
        var failure = Assert.Single(Check(new AccountTokenKeyOptions { EncryptionKey = Convert.ToBase64String(new byte[16]) }, AccountTokenKeyOptions.Section).Failures!);

        Assert.StartsWith("AccountTokens:EncryptionKey: ", failure);
        Assert.DoesNotContain(Convert.ToBase64String(new byte[16]), failure);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Check<T>(T options, string section)
        where T : class, IValidatedOptions => new ValidatedOptionsValidator<T>(section).Validate(null, options);
}

using System.Text;
using EStore.Identity.Services;
using EStore.Platform.Hosting;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary>Password block list, Unicode hygiene and sealed tokens, without a server.</summary>
public sealed class HygieneUnitTests
{
    private readonly PasswordPolicy _policy = new(new IdentitySettings());

    [Theory]
    [InlineData("        ", "spaces")]
    [InlineData("\t\t\t\t\t\t\t\t\t", "spaces")]
    [InlineData("aaaaaaaa", "repeat")]
    [InlineData("ZZZZZZZZZZ", "repeat")]
    [InlineData("abababab", "repeat")]
    [InlineData("12345678", "run of consecutive")]
    [InlineData("abcdefgh", "run of consecutive")]
    [InlineData("87654321", "run of consecutive")]
    [InlineData("qwertyui", "run of consecutive")]
    [InlineData("Password123!", "too common")]
    [InlineData("password2025", "too common")]
    [InlineData("P@ssw0rd2025!", "too common")]
    [InlineData("Welcome1!!", "too common")]
    [InlineData("Sunshine#99", "too common")]
    [InlineData("Jane.Doe2024!", "e-mail")]
    [InlineData("jane.doe@example.test", "e-mail")]
    [InlineData("Example!2024", "e-mail")]
    [InlineData("EStore2024!", "too common")]
    [InlineData("My-EStore-2024", "store")]
    [InlineData("estore-estore", "store")]
    public void Weak_passwords_are_refused_with_a_reason(string password, string reason)
    {
        var result = _policy.Check(password, "jane.doe@example.test");
        Assert.NotNull(result);
        Assert.Contains(reason, result, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("my estore basket is full of tea")]
    [InlineData("Tr0ub4dor&3 but longer")]
    [InlineData("zebra crossing")]
    public void Long_unusual_passwords_are_accepted(string password) => Assert.Null(_policy.Check(password, "jane.doe@example.test"));

    [Fact]
    public void Passwords_of_64_and_128_characters_are_accepted_and_129_refused()
    {
        var phrase = string.Concat(Enumerable.Repeat("a long walk by the quiet river ", 5));
        Assert.Null(_policy.Check(phrase[..64], "jane.doe@example.test"));
        Assert.Null(_policy.Check(phrase[..128], "jane.doe@example.test"));
        Assert.Contains("at most", _policy.Check(phrase + "x", "jane.doe@example.test"));
    }

    [Fact]
    public void Invariant_globalization_leaves_full_width_text_unnormalized_so_identity_folds_it_itself()
    {
        // The build sets InvariantGlobalization: the runtime's NFKC does nothing to non-ASCII text.
        Assert.Equal("\uFF41\uFF4E\uFF4E", "\uFF41\uFF4E\uFF4E".Normalize(NormalizationForm.FormKC));
        Assert.Equal("ann@example.test", EmailAddresses.Normalize(" \uFF21\uFF4E\uFF4E@\uFF45xample.test "));
        Assert.Equal("Ann Example", ProfileRules.NormalizeName("  Ann\u3000\u3000Example "));
    }

    [Theory]
    [InlineData("an\u200Bn@example.test", "U+200B")]
    [InlineData("an\u200Dn@example.test", "U+200D")]
    [InlineData("ann\u202E@example.test", "U+202E")]
    [InlineData("\u2066ann@example.test", "U+2066")]
    [InlineData("ann\0@example.test", "U+0000")]
    [InlineData("\uFEFFann@example.test", "U+FEFF")]
    [InlineData("ann\uE000@example.test", "U+E000")]
    [InlineData("ann\u0378@example.test", "U+0378")]
    public void Addresses_with_invisible_control_private_or_unassigned_characters_are_refused(string email, string codePoint)
    {
        var reason = EmailAddresses.Check(email);
        Assert.NotNull(reason);
        Assert.Contains(codePoint, reason);
        Assert.NotNull(ProfileRules.CheckName(email.Replace("@example.test", " Example", StringComparison.Ordinal)));
    }

    [Fact]
    public void Addresses_with_mixed_script_lookalikes_are_refused()
    {
        // Cyrillic а (U+0430) in place of Latin a.
        Assert.Contains("ASCII", EmailAddresses.Check("\u0430nn@example.test"));
        Assert.Null(EmailAddresses.Check("\uFF41nn@example.test"));
    }

    [Fact]
    public void Sealed_tokens_open_only_with_the_key_for_the_same_user_and_purpose()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var user = Guid.NewGuid();
        var token = SecretTokens.Create();
        var sealedToken = SealedToken.Seal(key, SealedToken.PasswordResetPurpose, user, token);

        Assert.StartsWith("v1.", sealedToken);
        Assert.DoesNotContain(token, sealedToken);
        Assert.NotEqual(sealedToken, SealedToken.Seal(key, SealedToken.PasswordResetPurpose, user, token));
        Assert.True(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, user, sealedToken, out var opened));
        Assert.Equal(token, opened);
        Assert.False(SealedToken.TryOpen(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), SealedToken.PasswordResetPurpose, user, sealedToken, out _));
        Assert.False(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, Guid.NewGuid(), sealedToken, out _));
        Assert.False(SealedToken.TryOpen(key, SealedToken.EmailVerificationPurpose, user, sealedToken, out _));
        var tampered = sealedToken[..^2] + (sealedToken[^2] == 'A' ? "B" : "A") + sealedToken[^1];
        Assert.False(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, user, tampered, out _));
        Assert.False(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, user, "v2." + sealedToken[3..], out _));
        Assert.False(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, user, "v1.!!!", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    public void A_missing_or_malformed_token_key_stops_startup_naming_the_key(string? key)
    {
        var result = new ValidatedOptionsValidator<AccountTokenOptions>(AccountTokenOptions.SectionName).Validate(null, new AccountTokenOptions { EncryptionKey = key });
        Assert.Equal(AccountTokenOptions.EncryptionKeyKey, StartupKey<AccountTokenOptions>(result));
    }

    /// <summary>
    /// The key the platform's one startup line names for a failed validation: its failure reads "Key: problem"
    /// (platform/Hosting/StartupFailureReporter reads the text before the first ": ").
    /// </summary>
    private static string StartupKey<TOptions>(Microsoft.Extensions.Options.ValidateOptionsResult result)
    {
        Assert.True(result.Failed);
        var first = Assert.Single(result.Failures!);
        var colon = first.IndexOf(": ", StringComparison.Ordinal);
        Assert.True(colon > 0, first);
        Assert.NotNull(typeof(TOptions));
        return first[..colon];
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("10.0.0.0/8", "10.1.2.3", true)]
    [InlineData("10.0.0.0/8", "11.1.2.3", false)]
    [InlineData("none", "127.0.0.1", false)]
    public void Forwarded_for_is_believed_only_from_trusted_proxies_and_only_its_last_entry(string trusted, string remote, bool believed)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        http.Request.Headers["X-Forwarded-For"] = "198.51.100.1, 203.0.113.9";
        var key = IdentityRateLimits.ClientKey(http, new IdentityRateLimitOptions { TrustedProxies = trusted });
        Assert.Equal(believed ? "fwd:203.0.113.9" : remote, key);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:eeee:dddd:cccc", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void IPv6_clients_are_counted_by_their_64_network(string remote, string expected)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(remote);
        Assert.Equal(expected, IdentityRateLimits.ClientKey(http, new IdentityRateLimitOptions { TrustedProxies = "none" }));
    }

    [Fact]
    public void A_forwarded_IPv6_client_is_counted_by_its_64_network()
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        http.Request.Headers["X-Forwarded-For"] = "2001:db8:aa:bb:1:2:3:4";
        var first = IdentityRateLimits.ClientKey(http, new IdentityRateLimitOptions());
        http.Request.Headers["X-Forwarded-For"] = "2001:db8:aa:bb:9:9:9:9";
        Assert.Equal("fwd:2001:db8:aa:bb::/64", first);
        Assert.Equal(first, IdentityRateLimits.ClientKey(http, new IdentityRateLimitOptions()));
    }

    [Theory]
    [InlineData("Login", "PermitLimit", 0)]
    [InlineData("ForgotPassword", "WindowSeconds", 0)]
    public void Malformed_rate_limits_name_their_key(string policy, string field, int value)
    {
        var options = new IdentityRateLimitOptions();
        var window = (RateWindow)typeof(IdentityRateLimitOptions).GetProperty(policy)!.GetValue(options)!;
        typeof(RateWindow).GetProperty(field)!.SetValue(window, value);
        var result = new ValidatedOptionsValidator<IdentityRateLimitOptions>(IdentityRateLimitOptions.SectionName).Validate(null, options);
        Assert.Equal($"Identity:RateLimits:{policy}:{field}", StartupKey<IdentityRateLimitOptions>(result));
    }
}

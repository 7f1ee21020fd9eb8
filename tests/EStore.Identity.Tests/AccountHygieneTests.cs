using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Tests;

/// <summary>Lookalike addresses and names, weak passwords, and answers that do not tell who has an account.</summary>
[Collection(IdentityCollection.Name)]
public sealed class AccountHygieneTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    public static TheoryData<string, string> Lookalikes => new()
    {
        { "zero-width space", "an\u200Bn" },
        { "zero-width joiner", "an\u200Dn" },
        { "bidi override", "ann\u202E" },
        { "bidi isolate", "\u2066ann" },
        { "NUL", "ann\0" },
        { "byte-order mark", "\uFEFFann" },
        { "private use", "ann\uE000" },
        { "Cyrillic a", "\u0430nn" },
    };

    [Theory]
    [MemberData(nameof(Lookalikes))]
    public async Task Lookalike_addresses_with_invisible_control_or_foreign_script_characters_are_refused_with_422(string what, string local)
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        await _client.RegisterAsync($"ann{tag}@example.test");
        using var response = await _client.PostAsync("/api/auth/register",
            new { email = $"{local}{tag}@example.test", password = IdentityClient.Password, name = "Ann" });
        var problem = await response.AssertInvalidAsync("email");
        Assert.True(problem.ToString().Length > 0, what);
    }

    [Theory]
    [InlineData("Ann\u200BExample")]
    [InlineData("Ann\u202EelpmaxE")]
    [InlineData("Ann\0")]
    [InlineData("Ann\u2067Example\u2069")]
    [InlineData("Ann\uE000")]
    public async Task Names_with_invisible_or_control_characters_are_refused_with_422(string name)
    {
        using var register = await _client.PostAsync("/api/auth/register",
            new { email = IdentityClient.NewEmail("named"), password = IdentityClient.Password, name });
        await register.AssertInvalidAsync("name");

        var (_, tokens) = await _client.NewUserAsync("rename");
        using var update = await _client.SendAsync(HttpMethod.Put, "/api/users/me", new { name }, tokens.AccessToken);
        await update.AssertInvalidAsync("name");
    }

    [Theory]
    [InlineData("full-width letters", "bill", "\uFF42\uFF49\uFF4C\uFF4C")]
    [InlineData("upper case", "bill", "BILL")]
    public async Task Lookalike_variants_of_an_address_get_no_second_account(string what, string original, string variant)
    {
        var suffix = "." + Guid.NewGuid().ToString("N")[..12];
        var email = $"{original}{suffix}@example.test";
        var owner = await _client.RegisterAsync(email);

        using var response = await _client.PostAsync("/api/auth/register",
            new { email = $"{variant}{suffix}@example.test", password = "another strong passphrase", name = "Mallory" });
        // The answer of a new registration, so the attempt learns nothing ...
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // ... but no second account: NFKC and case folding make the variant this address, and the impostor's
        // password opens nothing.
        Assert.Equal(1, await CountNormalizedAsync($"{variant}{suffix}@example.test"));
        using var impostor = await _client.PostAsync("/api/auth/login", new { email = $"{variant}{suffix}@example.test", password = "another strong passphrase" });
        Assert.Equal(HttpStatusCode.Unauthorized, impostor.StatusCode);
        await _client.LoginAsync(email);
        Assert.Single(await _client.EventsAsync<UserRegistered>(owner.Id));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Theory]
    [InlineData("rn and m", "arnie", "amie")]
    [InlineData("l and 1", "al", "a1")]
    [InlineData("O and 0", "bob", "b0b")]
    public async Task Different_addresses_that_merely_look_alike_are_different_accounts(string what, string first, string second)
    {
        var suffix = "." + Guid.NewGuid().ToString("N")[..12];
        await _client.RegisterAsync($"{first}{suffix}@example.test");
        var other = $"{second}{suffix}@example.test";

        // A real, different person: a real account they can log in to, not the answer to a duplicate.
        var created = await _client.RegisterAsync(other);
        Assert.Equal(1, await CountNormalizedAsync(other));
        await _client.LoginAsync(other);
        Assert.Single(await _client.EventsAsync<UserRegistered>(created.Id));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Fact]
    public async Task Registering_an_existing_address_answers_exactly_like_a_new_registration()
    {
        var existing = IdentityClient.NewEmail("taken");
        await _client.RegisterAsync(existing);
        var fresh = IdentityClient.NewEmail("fresh");

        using var known = await _client.PostAsync("/api/auth/register", new { email = existing, password = "a different passphrase", name = "Ann" });
        using var unknown = await _client.PostAsync("/api/auth/register", new { email = fresh, password = "a different passphrase", name = "Ann" });

        Assert.Equal(unknown.StatusCode, known.StatusCode);
        Assert.Equal(unknown.Headers.Location, known.Headers.Location);
        Assert.Equal(HeaderNames(unknown), HeaderNames(known));
        Assert.Equal(Shape(await unknown.Content.ReadAsStringAsync()), Shape(await known.Content.ReadAsStringAsync()));
        var knownUser = (await known.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal(existing, knownUser.Email);
        Assert.NotEqual(Guid.Empty, knownUser.Id);
        Assert.Equal(1, await CountAccountsAsync(existing));
    }

    [Fact]
    public async Task Forgot_password_answers_known_and_unknown_addresses_identically_and_mails_only_the_known()
    {
        var email = IdentityClient.NewEmail("forgetful");
        var user = await _client.RegisterAsync(email);
        using var known = await _client.PostAsync("/api/auth/forgot-password", new { email });
        using var unknown = await _client.PostAsync("/api/auth/forgot-password", new { email = IdentityClient.NewEmail("nobody") });

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(unknown.StatusCode, known.StatusCode);
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await known.Content.ReadAsStringAsync());
        Assert.Equal(HeaderNames(unknown), HeaderNames(known));
        Assert.Single(await _client.EventsAsync<PasswordResetRequested>(user.Id));
    }

    [Fact]
    public async Task A_mail_request_left_behind_by_a_crashed_instance_is_still_handled()
    {
        var email = IdentityClient.NewEmail("crashed");
        var user = await _client.RegisterAsync(email);
        var db = stack.Identity.CreateDbContext(out var scope);
        using (scope)
        {
            // What an instance that accepted the request and died mid-way leaves: a row whose lease has run out.
            var now = stack.Identity.Clock.GetUtcNow().UtcDateTime;
            db.PendingMails.Add(new EStore.Identity.Data.PendingMail
            {
                NormalizedEmail = email.ToLowerInvariant(),
                Purpose = EStore.Identity.Data.OneTimeTokenPurpose.PasswordReset,
                CreatedAt = now.AddSeconds(-40),
                LeasedUntil = now.AddSeconds(-10),
            });
            await db.SaveChangesAsync();
        }
        await _client.MailQueueIdleAsync();
        Assert.Single(await _client.EventsAsync<PasswordResetRequested>(user.Id));
    }

    public static TheoryData<string> WeakPasswords => ["        ", "aaaaaaaa", "Password123!", "12345678", "abcdefgh", "P@ssw0rd!", "EStore2025!", "qwertyuiop1"];

    [Theory]
    [MemberData(nameof(WeakPasswords))]
    public async Task Weak_passwords_are_refused_at_registration_and_reset_with_a_reason(string password)
    {
        using var register = await _client.PostAsync("/api/auth/register", new { email = IdentityClient.NewEmail("weak"), password, name = "Ann" });
        var problem = await register.AssertInvalidAsync("password");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("errors").GetProperty("password")[0].GetString()));

        var email = IdentityClient.NewEmail("resetter");
        var user = await _client.RegisterAsync(email);
        using (await _client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }
        var token = await _client.ResetTokenAsync(user.Id);
        using var reset = await _client.PostAsync("/api/auth/reset-password", new { token, newPassword = password });
        await reset.AssertInvalidAsync("newPassword");
    }

    [Theory]
    [InlineData("/api/users?page=10001")]
    [InlineData("/api/users?page=2147483647")]
    [InlineData("/api/users?page=2147483648")]
    [InlineData("/api/users?page=1000000&size=100")]
    public async Task Page_numbers_beyond_the_maximum_get_400(string path)
    {
        var admin = (await _client.AdminLoginAsync()).AccessToken;
        using var response = await _client.SendAsync(HttpMethod.Get, path, null, admin);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var last = await _client.SendAsync(HttpMethod.Get, "/api/users?page=10000&size=100", null, admin);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
    }

    private async Task<int> CountNormalizedAsync(string email)
    {
        var db = stack.Identity.CreateDbContext(out var scope);
        using (scope)
        {
            var normalized = EStore.Identity.Services.EmailAddresses.Normalize(email);
            return await db.Users.CountAsync(u => u.NormalizedEmail == normalized);
        }
    }

    private async Task<int> CountAccountsAsync(string email)
    {
        var db = stack.Identity.CreateDbContext(out var scope);
        using (scope)
        {
            var normalized = email.Trim().ToLowerInvariant();
            return await db.Users.CountAsync(u => u.NormalizedEmail == normalized);
        }
    }

    /// <summary>The body with the values that differ between any two registrations (id, e-mail, time) blanked.</summary>
    private static string Shape(string json)
    {
        var user = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        return string.Join(";", user.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + (p.Key is "id" or "email" or "createdAt" ? "*" : p.Value.GetRawText())));
    }

    private static string HeaderNames(HttpResponseMessage response) =>
        string.Join(",", response.Headers.Concat(response.Content.Headers).Select(h => h.Key).Where(k => k is not "Date").Order(StringComparer.Ordinal));
}

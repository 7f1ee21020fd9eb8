using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Identity.Tests;

/// <summary><c>POST /api/auth/register</c>, <c>/verify-email</c>, <c>/resend-verification</c>.</summary>
[Collection(IdentityCollection.Name)]
public sealed class RegistrationTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task Registering_a_new_and_an_existing_address_makes_the_same_database_round_trips_and_commit()
    {
        var email = IdentityClient.NewEmail("trips");
        var fresh = await RoundTripsOfRegisterAsync(email, "first owner passphrase");
        var again = await RoundTripsOfRegisterAsync(email.ToUpperInvariant(), "second caller passphrase");

        // One lookup, then one transaction (begin, one batch of writes, commit) on either path ...
        Assert.Equal(["SELECT", "BEGIN", "INSERT", "COMMIT"], fresh.Select(Kind));
        Assert.Equal(fresh.Select(Kind), again.Select(Kind));
        Assert.Contains("pending_mails", again[2], StringComparison.Ordinal);
        // ... both with the normal synchronous commit.
        Assert.DoesNotContain(fresh.Concat(again), c => c.Contains("synchronous_commit", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<List<string>> RoundTripsOfRegisterAsync(string email, string password)
    {
        using var scope = stack.Identity.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<EStore.Identity.Services.AccountService>();
        var trips = DbRoundTrips.Start();
        try
        {
            var outcome = await accounts.RegisterAsync(new RegisterRequest(email, password, "Trip Taker"), CancellationToken.None);
            Assert.Null(outcome.Error);
        }
        finally
        {
            DbRoundTrips.Stop();
        }
        return trips;
    }

    private static string Kind(string command) =>
        command.TrimStart().Split([' ', '\n'], 2)[0].ToUpperInvariant();

    [Fact]
    public async Task Registration_creates_a_customer_and_announces_it_with_a_verification_token()
    {
        var email = IdentityClient.NewEmail("New.User");
        using var response = await _client.PostAsync("/api/auth/register", new { email, password = IdentityClient.Password, name = "  Ann Example " });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/users/me", response.Headers.Location?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        var user = JsonSerializer.Deserialize<UserDto>(text, JsonSerializerOptions.Web)!;
        Assert.Equal(email, user.Email);
        Assert.Equal("Ann Example", user.Name);
        Assert.Equal([UserRoles.Customer], user.Roles);
        Assert.False(user.EmailVerified);
        foreach (var secret in new[] { "password", "hash", "lockout", "token", "stamp" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }

        var registered = Assert.Single(await _client.EventsAsync<UserRegistered>(user.Id));
        Assert.Equal(email, registered.Email);
        Assert.Equal([UserRoles.Customer], registered.Roles);
        var verification = Assert.Single(await _client.EventsAsync<EmailVerificationRequested>(user.Id));
        Assert.Equal(email, verification.Email);
        Assert.InRange(verification.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
        Assert.True(IdentityClient.Open(SealedToken.EmailVerificationPurpose, user.Id, verification.SealedVerificationToken).Length >= 43);
    }

    [Fact]
    public async Task A_role_sent_at_registration_is_ignored()
    {
        var email = IdentityClient.NewEmail("climber");
        using var response = await _client.PostAsync("/api/auth/register", new
        {
            email,
            password = IdentityClient.Password,
            name = "Climber",
            role = "admin",
            roles = new[] { "admin", "shop_owner" },
            emailVerified = true,
            status = "Active",
        });
        var user = (await response.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.Equal([UserRoles.Customer], user.Roles);
        Assert.False(user.EmailVerified);
        var tokens = await _client.LoginAsync(email);
        Assert.Equal("customer", TokenForge.Payload(tokens.AccessToken)["role"]!.GetValue<string>());
        using var admin = await _client.SendAsync(HttpMethod.Get, "/api/users", null, tokens.AccessToken);
        await admin.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    public static TheoryData<string, object, string> InvalidRegistrations => new()
    {
        { "missing email", new { password = IdentityClient.Password, name = "A" }, "email" },
        { "blank email", new { email = "  ", password = IdentityClient.Password, name = "A" }, "email" },
        { "no at sign", new { email = "not-an-email", password = IdentityClient.Password, name = "A" }, "email" },
        { "no domain", new { email = "user@", password = IdentityClient.Password, name = "A" }, "email" },
        { "no local part", new { email = "@example.test", password = IdentityClient.Password, name = "A" }, "email" },
        { "display name", new { email = "Ann <ann@example.test>", password = IdentityClient.Password, name = "A" }, "email" },
        { "two at signs", new { email = "a@b@example.test", password = IdentityClient.Password, name = "A" }, "email" },
        { "missing password", new { email = "x@example.test", name = "A" }, "password" },
        { "7 characters", new { email = "x@example.test", password = "abcdefg", name = "A" }, "password" },
        { "common password", new { email = "x@example.test", password = "Password1", name = "A" }, "password" },
        { "common password 2", new { email = "x@example.test", password = "qwertyuiop", name = "A" }, "password" },
        { "the e-mail address", new { email = "someone.long@example.test", password = "Someone.Long@Example.test", name = "A" }, "password" },
        { "the e-mail local part", new { email = "someone.long@example.test", password = "someone.long", name = "A" }, "password" },
        { "129 characters", new { email = "x@example.test", password = new string('x', 129), name = "A" }, "password" },
        { "missing name", new { email = "x@example.test", password = IdentityClient.Password }, "name" },
        { "long name", new { email = "x@example.test", password = IdentityClient.Password, name = new string('n', 101) }, "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public async Task Invalid_registrations_get_422_naming_the_field(string why, object body, string field)
    {
        using var response = await _client.PostAsync("/api/auth/register", body);
        var problem = await response.AssertInvalidAsync(field);
        Assert.Equal("Unprocessable Entity", problem.GetProperty("error").GetString());
        Assert.True(problem.GetProperty("errors").EnumerateObject().Count() == 1, $"{why}: {problem}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"email\": 42, \"password\": \"x\", \"name\": \"y\"}")]
    [InlineData("null")]
    public async Task Malformed_bodies_get_400(string body)
    {
        using var response = await _client.PostAsync("/api/auth/register", body);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Long_passwords_are_accepted_whole_and_never_truncated()
    {
        var email = IdentityClient.NewEmail("long");
        var password = string.Concat(Enumerable.Repeat("sixty-four characters! ", 5))[..100];
        await _client.RegisterAsync(email, password);
        await _client.LoginAsync(email, password);
        using var truncated = await _client.PostAsync("/api/auth/login", new { email, password = password[..72] });
        await truncated.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_same_address_in_another_case_gets_no_second_account_and_an_answer_that_does_not_tell()
    {
        var email = IdentityClient.NewEmail("Case.Test");
        var owner = await _client.RegisterAsync(email);
        using var response = await _client.PostAsync("/api/auth/register", new { email = "  " + email.ToUpperInvariant() + " ", password = "the twin's own passphrase", name = "Twin" });
        // The same answer as a new registration (no 409 to tell that the address has an account) ...
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var twin = (await response.Content.ReadFromJsonAsync<UserDto>())!;
        Assert.NotEqual(owner.Id, twin.Id);
        // ... but no account behind it: the twin's password opens nothing, the owner's still works.
        using var twinLogin = await _client.PostAsync("/api/auth/login", new { email, password = "the twin's own passphrase" });
        await twinLogin.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await _client.EventsAsync<UserRegistered>(twin.Id));
        await _client.LoginAsync(email);
    }

    [Fact]
    public async Task Verification_marks_the_address_verified_once_and_the_next_token_says_so()
    {
        var email = IdentityClient.NewEmail("verify");
        var user = await _client.RegisterAsync(email);
        var token = await _client.VerificationTokenAsync(user.Id);

        using var verified = await _client.PostAsync("/api/auth/verify-email", new { token });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.True((await verified.Content.ReadFromJsonAsync<UserDto>())!.EmailVerified);
        var tokens = await _client.LoginAsync(email);
        Assert.True(TokenForge.Payload(tokens.AccessToken)["email_verified"]!.GetValue<bool>());

        using var reused = await _client.PostAsync("/api/auth/verify-email", new { token });
        var problem = await reused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("The verification token is invalid, expired or already used.", problem.GetProperty("message").GetString());
        // One EmailVerified (notification-service's welcome mail), for the change only.
        var announced = Assert.Single(await _client.EventsAsync<EmailVerified>(user.Id));
        Assert.Equal(user.Email, announced.Email);
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"token\":\"\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"token\":\"not-a-real-token\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"token\":\"../../etc/passwd\"}", HttpStatusCode.BadRequest)]
    public async Task Bad_verification_tokens_are_refused(string body, HttpStatusCode status)
    {
        using var response = await _client.PostAsync("/api/auth/verify-email", body);
        await response.AssertProblemAsync(status);
    }

    [Fact]
    public async Task A_password_reset_token_does_not_verify_an_address()
    {
        var email = IdentityClient.NewEmail("foreign");
        var user = await _client.RegisterAsync(email);
        using (await _client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }
        var resetToken = await _client.ResetTokenAsync(user.Id);
        using var response = await _client.PostAsync("/api/auth/verify-email", new { token = resetToken });
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Resending_answers_the_same_for_unknown_and_known_addresses_and_only_the_newest_token_works()
    {
        var email = IdentityClient.NewEmail("resend");
        var user = await _client.RegisterAsync(email);
        var first = await _client.VerificationTokenAsync(user.Id);

        using var known = await _client.PostAsync("/api/auth/resend-verification", new { email });
        using var unknown = await _client.PostAsync("/api/auth/resend-verification", new { email = IdentityClient.NewEmail("nobody") });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var events = await _client.EventsAsync<EmailVerificationRequested>(user.Id);
        Assert.Equal(2, events.Count);
        using var old = await _client.PostAsync("/api/auth/verify-email", new { token = first });
        await old.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var fresh = await _client.PostAsync("/api/auth/verify-email", new { token = IdentityClient.Open(SealedToken.EmailVerificationPurpose, user.Id, events[1].SealedVerificationToken) });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

        using var alreadyVerified = await _client.PostAsync("/api/auth/resend-verification", new { email });
        Assert.Equal(HttpStatusCode.Accepted, alreadyVerified.StatusCode);
        Assert.Equal(2, (await _client.EventsAsync<EmailVerificationRequested>(user.Id)).Count);
    }

    [Theory]
    [InlineData("{}", "email")]
    [InlineData("{\"email\":\"nonsense\"}", "email")]
    public async Task Resending_validates_the_address(string body, string field)
    {
        using var response = await _client.PostAsync("/api/auth/resend-verification", body);
        await response.AssertInvalidAsync(field);
    }
}

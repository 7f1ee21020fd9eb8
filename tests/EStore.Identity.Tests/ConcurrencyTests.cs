using System.Net;
using EStore.Identity.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Tests;

/// <summary>Races that the database must decide.</summary>
[Collection(IdentityCollection.Name)]
public sealed class ConcurrencyTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task Two_registrations_of_one_address_at_the_same_instant_create_one_account()
    {
        for (var round = 0; round < 5; round++)
        {
            var email = IdentityClient.NewEmail("race");
            using var start = new Barrier(2);
            // Both requests are built first and released together; the case differs, the account is one.
            var attempts = new[] { email, email.ToUpperInvariant() }.Select(address => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return await _client.PostAsync("/api/auth/register", new { email = address, password = IdentityClient.Password, name = "Racer" });
            })).ToArray();
            var responses = await Task.WhenAll(attempts);
            // Both get the answer of a new registration (a 409 would tell that the address has an account) ...
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            foreach (var response in responses)
            {
                response.Dispose();
            }

            var db = stack.Identity.CreateDbContext(out var scope);
            using (scope)
            {
                var normalized = email.ToLowerInvariant();
                // ... and the database lets only one account exist.
                Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedEmail == normalized));
            }
        }
    }
}

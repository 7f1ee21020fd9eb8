using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Identity.Services;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary>What crosses the bus: no usable verification or reset token in any message on <c>identity.events</c>.</summary>
[Collection(IdentityCollection.Name)]
public sealed class BusSecretTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task No_usable_token_travels_on_identity_events_and_the_sealed_value_opens_only_with_the_key()
    {
        var email = IdentityClient.NewEmail("bus");
        var user = await _client.RegisterAsync(email);
        using (await _client.PostAsync("/api/auth/forgot-password", new { email }))
        {
        }

        // Read the topic as any service on the bus could, until both mails for this user have been relayed.
        var messages = await ReadTopicAsync(user.Id, TimeSpan.FromSeconds(30));
        var verification = messages.Select(m => m.Event).OfType<EmailVerificationRequested>().Single();
        var reset = messages.Select(m => m.Event).OfType<PasswordResetRequested>().Single();

        var key = Convert.FromBase64String(IdentityApp.AccountTokensKey);
        Assert.True(SealedToken.TryOpen(key, SealedToken.EmailVerificationPurpose, user.Id, verification.SealedVerificationToken, out var verificationToken));
        Assert.True(SealedToken.TryOpen(key, SealedToken.PasswordResetPurpose, user.Id, reset.SealedResetToken, out var resetToken));
        Assert.True(SecretTokens.IsWellFormed(verificationToken));

        // Nowhere in any message, header or value, is a token in the clear, nor anything shaped like one.
        foreach (var (raw, headers, _) in messages)
        {
            foreach (var text in new[] { raw, headers })
            {
                Assert.DoesNotContain(verificationToken, text, StringComparison.Ordinal);
                Assert.DoesNotContain(resetToken, text, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(StringValues(JsonDocument.Parse(raw).RootElement), v => v.Length == 43 && SecretTokens.IsWellFormed(v));
        }
        // Without the key, or for another user, the sealed values are useless.
        var otherKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        Assert.False(SealedToken.TryOpen(otherKey, SealedToken.EmailVerificationPurpose, user.Id, verification.SealedVerificationToken, out _));
        Assert.False(SealedToken.TryOpen(key, SealedToken.EmailVerificationPurpose, Guid.NewGuid(), verification.SealedVerificationToken, out _));
        using var sealedAsToken = await _client.PostAsync("/api/auth/reset-password", new { token = reset.SealedResetToken, newPassword = "attacker chosen passphrase" });
        await sealedAsToken.AssertProblemAsync(HttpStatusCode.BadRequest);

        // The opened values are the real tokens: they verify the account and reset its password.
        using var verify = await _client.PostAsync("/api/auth/verify-email", new { token = verificationToken });
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        using var resetResponse = await _client.PostAsync("/api/auth/reset-password", new { token = resetToken, newPassword = "a fresh passphrase here" });
        Assert.Equal(HttpStatusCode.NoContent, resetResponse.StatusCode);
    }

    private async Task<List<(string Raw, string Headers, IIntegrationEvent? Event)>> ReadTopicAsync(Guid userId, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = stack.Broker.BootstrapServers,
            GroupId = "bus-secret-test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(Topics.Identity);
        var found = new List<(string Raw, string Headers, IIntegrationEvent? Event)>();
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result?.Message is not { } message || message.Key != userId.ToString())
                {
                    continue;
                }
                var raw = Encoding.UTF8.GetString(message.Value);
                var headers = string.Join(";", message.Headers?.Select(h => h.Key + "=" + Encoding.UTF8.GetString(h.GetValueBytes())) ?? []);
                var type = message.Headers?.FirstOrDefault(h => h.Key == EventHeaders.EventType) is { } header
                    ? Encoding.UTF8.GetString(header.GetValueBytes())
                    : null;
                IIntegrationEvent? parsed = type == EventTypeRegistry.Default.Get<EmailVerificationRequested>().Name
                    ? (IIntegrationEvent)EventJson.Deserialize(message.Value, typeof(EmailVerificationRequested))
                    : type == EventTypeRegistry.Default.Get<PasswordResetRequested>().Name
                        ? (IIntegrationEvent)EventJson.Deserialize(message.Value, typeof(PasswordResetRequested))
                        : null;
                found.Add((raw, headers, parsed));
                if (found.Any(f => f.Event is EmailVerificationRequested) && found.Any(f => f.Event is PasswordResetRequested))
                {
                    return found;
                }
            }
        }
        finally
        {
            consumer.Close();
        }
        Assert.Fail($"identity.events did not carry both mails for {userId} within {timeout}; saw {found.Count} messages");
        return found;
    }

    private static IEnumerable<string> StringValues(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => StringValues(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringValues),
        _ => [],
    };
}

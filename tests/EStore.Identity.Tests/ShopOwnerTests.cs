using System.Net.Http.Json;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Identity.Dtos;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Security;

namespace EStore.Identity.Tests;

/// <summary>shop-service's <c>ShopCreated</c> makes the owner a <c>shop_owner</c>, once, through the inbox.</summary>
[Collection(IdentityCollection.Name)]
public sealed class ShopOwnerTests(IdentityStack stack)
{
    private readonly IdentityClient _client = stack.Client;

    [Fact]
    public async Task ShopCreated_grants_shop_owner_and_a_fresh_login_carries_it()
    {
        var (user, _) = await _client.NewUserAsync("merchant");
        var shopCreated = new ShopCreated(Guid.NewGuid(), user.Id, "Merchant's", user.Email) { OccurredAt = DateTimeOffset.UtcNow };
        // Delivered twice, as at-least-once delivery may: the inbox makes the second a no-op.
        await ProduceAsync(shopCreated, shopCreated);

        var admin = (await _client.AdminLoginAsync()).AccessToken;
        await Eventually.GetAsync(async () =>
        {
            using var response = await _client.SendAsync(HttpMethod.Get, $"/api/users/{user.Id}", null, admin);
            return (await response.Content.ReadFromJsonAsync<AdminUserDto>())!.Roles;
        }, roles => roles.Contains(UserRoles.ShopOwner), "shop_owner to be granted", TimeSpan.FromSeconds(45), TimeSpan.FromMilliseconds(200));

        var tokens = await _client.LoginAsync(user.Email);
        var roles = TokenForge.Payload(tokens.AccessToken)["role"]!.AsArray().Select(r => r!.GetValue<string>());
        Assert.Equal([UserRoles.Customer, UserRoles.ShopOwner], roles);
        var changed = Assert.Single(await _client.EventsAsync<UserRoleChanged>(user.Id));
        Assert.Contains(UserRoles.ShopOwner, changed.Roles);
    }

    private async Task ProduceAsync(params ShopCreated[] events)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = stack.Broker.BootstrapServers,
            EnableIdempotence = true,
            MessageTimeoutMs = 15000,
        }).Build();
        foreach (var shop in events)
        {
            await producer.ProduceAsync(Topics.Shop, new Message<string, string>
            {
                Key = shop.AggregateKey,
                Value = EventJson.Serialize(shop),
                Headers = new Headers
                {
                    { EventHeaders.EventType, Encoding.UTF8.GetBytes("ShopCreated") },
                    { EventHeaders.EventId, Encoding.UTF8.GetBytes(shop.EventId.ToString()) },
                },
            });
        }
    }
}

using System.Security.Cryptography;
using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Notification.Tests.Infrastructure;

/// <summary>
/// notification-service in a <see cref="ServiceStack{TEntryPoint}"/> (PostgreSQL, the mock broker, test tokens) sending
/// to a <see cref="TestSmtpServer"/> in this process. Retries are quick and few so that failing and recovering fit a test.
/// </summary>
public class NotificationStack() : ServiceStack<Program>("notification"), IAsyncLifetime
{
    public const int MaxAttempts = 3;
    public const string StoreUrl = "http://store.test";
    public const string StoreName = "Test Store <&>";

    /// <summary>The key identity-service would seal tokens with.</summary>
    public static byte[] Key { get; } = RandomNumberGenerator.GetBytes(SealedToken.KeySize);

    public TestSmtpServer Smtp { get; private set; } = null!;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        Smtp = TestSmtpServer.Start();
        settings["Eureka:Instance:AppName"] = "notification-service";
        settings["Kafka:Consumer:session.timeout.ms"] = "6000";
        settings["Kafka:Consumer:heartbeat.interval.ms"] = "500";
        settings["Messaging:Consumer:CommitIntervalMs"] = "200";
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Smtp:From"] = "Test Store <shop@store.test>";
        settings["Smtp:TimeoutSeconds"] = "5";
        settings["Notifications:StoreName"] = StoreName;
        settings["Notifications:StoreUrl"] = StoreUrl;
        settings["Notifications:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Notifications:RetryInitialMs"] = "1000";
        settings["Notifications:RetryMaxMs"] = "2000";
        settings["Notifications:PollIntervalMs"] = "500";
        settings["AccountTokens:EncryptionKey"] = Convert.ToBase64String(Key);
    }

    /// <summary>A customer's token.</summary>
    public string Customer(Guid userId) => Tokens.For(userId, [UserRoles.Customer]);

    /// <summary>A new user known to the service (their <c>UserRegistered</c> handled): id and a unique address.</summary>
    public async Task<(Guid Id, string Email)> NewUserAsync(string name = "Ann Example")
    {
        var id = Guid.NewGuid();
        var email = $"user-{id:N}@example.test";
        await PublishAsync(new UserRegistered(id, email, name, [UserRoles.Customer]) { OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.TrueAsync(async () => await QueryAsync(db => db.Recipients.AnyAsync(r => r.UserId == id)), $"user {id} known");
        return (id, email);
    }

    /// <summary>A new shop known to the service, owned by a new user: ids and the shop's contact address.</summary>
    public async Task<(Guid Shop, Guid Owner, string Email)> NewShopAsync(string name)
    {
        var (owner, _) = await NewUserAsync("Owen Owner");
        var shop = Guid.NewGuid();
        var email = $"shop-{shop:N}@example.test";
        await PublishAsync(new ShopCreated(shop, owner, name, email, ShopStatus.Pending) { OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.TrueAsync(async () => await QueryAsync(db => db.Shops.AnyAsync(s => s.ShopId == shop)), $"shop {shop} known");
        return (shop, owner, email);
    }

    /// <summary>Runs a query on the service's database.</summary>
    public async Task<T> QueryAsync<T>(Func<NotificationDbContext, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<NotificationDbContext>());
    }

    /// <summary>The mail rows for <paramref name="address"/>.</summary>
    public Task<List<Mail>> MailsToAsync(string address) =>
        QueryAsync(db => db.Mails.AsNoTracking().Where(m => m.ToAddress == address).OrderBy(m => m.CreatedAt).ToListAsync());

    async Task IAsyncLifetime.InitializeAsync() => await InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Smtp is not null)
        {
            await Smtp.DisposeAsync();
        }
        AfterStop();
    }

    /// <summary>Runs once the service and the SMTP server have stopped.</summary>
    protected virtual void AfterStop()
    {
    }
}

/// <summary>The stack most test classes share (one service, one SMTP server; each test uses addresses of its own).</summary>
[CollectionDefinition(Name)]
public sealed class NotificationCollection : ICollectionFixture<NotificationStack>
{
    public const string Name = "notification";
}

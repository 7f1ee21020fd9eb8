using System.Net;
using EStore.Address.Data;
using EStore.Address.Messaging;
using EStore.Address.Tests.Infrastructure;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Address.Tests;

/// <summary>
/// The retention rule for users identity-service disabled (UserDisabled): addresses kept but not served for the
/// retention period, then erased; a token issued after the disabling serves them again.
/// </summary>
public sealed class RetentionTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = AddressStack.Prefix;

    [Fact]
    public async Task A_disabled_users_addresses_are_kept_but_not_served_to_them()
    {
        var (user, token) = stack.Customer();
        var home = (await stack.AddAsync(token, AddressBodies.Valid("Home"))).GetProperty("id").GetGuid();
        var work = (await stack.AddAsync(token, AddressBodies.Valid("Work"))).GetProperty("id").GetGuid();

        await DisableAsync(user);

        using var read = await stack.SendAsync(HttpMethod.Get, $"{Prefix}/{home}", null, token);
        using var add = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.Valid("New"), token);
        using var edit = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{home}", AddressBodies.Valid("Changed"), token);
        using var delete = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{work}", null, token);
        using var makeDefault = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{work}/default-billing", null, token);
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
        await add.AssertProblemAsync(HttpStatusCode.Forbidden);
        await edit.AssertProblemAsync(HttpStatusCode.NotFound);
        await delete.AssertProblemAsync(HttpStatusCode.NotFound);
        await makeDefault.AssertProblemAsync(HttpStatusCode.NotFound);
        // Kept: support can still read them, and nothing changed.
        Assert.Equal("Home", (await stack.ReadAsync(stack.Admin, home)).GetProperty("label").GetString());
        Assert.Equal(2, await CountAsync(user));
    }

    [Fact]
    public async Task A_token_issued_after_the_disabling_serves_the_addresses_again()
    {
        var (user, token) = stack.Customer();
        await stack.AddAsync(token);
        var disabledAt = await DisableAsync(user);

        var later = stack.Tokens.With(user, claims => claims["iat"] = disabledAt.AddMinutes(1).ToUnixTimeSeconds());

        Assert.Single(await stack.ListAsync(later));
        // The hold is lifted for good, also for the older token still in another tab.
        Assert.Single(await stack.ListAsync(token));
    }

    [Fact]
    public async Task A_disabled_user_without_addresses_cannot_start_a_book_with_an_older_token()
    {
        var (user, token) = stack.Customer();
        await stack.PublishAsync(new UserDisabled(user, "deactivated by the user") { OccurredAt = DateTimeOffset.UtcNow.AddSeconds(2) });
        await Eventually.TrueAsync(async () => await BookHeldAsync(user), "the UserDisabled event to hold the book");

        using var add = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.Valid(), token);

        await add.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await CountAsync(user));
    }

    [Fact]
    public async Task A_held_book_is_erased_when_its_retention_ends_and_not_before()
    {
        var (user, token) = stack.Customer();
        var id = (await stack.AddAsync(token)).GetProperty("id").GetGuid();
        var (other, otherToken) = stack.Customer();
        await stack.AddAsync(otherToken);
        var disabledAt = await DisableAsync(user);
        var eraser = stack.App.Services.GetRequiredService<DisabledAddressEraser>();

        await eraser.EraseDueAsync(disabledAt.AddDays(29), CancellationToken.None);
        Assert.Equal(1, await CountAsync(user));

        await eraser.EraseDueAsync(disabledAt.AddDays(30).AddSeconds(1), CancellationToken.None);

        Assert.Equal(0, await CountAsync(user));
        using var read = await stack.SendAsync(HttpMethod.Get, $"{Prefix}/{id}", null, stack.Admin);
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await CountAsync(other));
    }

    [Fact]
    public async Task A_user_enabled_again_keeps_their_addresses_past_the_retention_without_signing_in()
    {
        var (user, token) = stack.Customer();
        var id = (await stack.AddAsync(token)).GetProperty("id").GetGuid();
        var disabledAt = await DisableAsync(user);

        await stack.PublishAsync(new UserEnabled(user) { OccurredAt = disabledAt.AddMinutes(5) });
        await Eventually.TrueAsync(async () => !await BookHeldAsync(user), "the UserEnabled event to lift the hold");
        await stack.App.Services.GetRequiredService<DisabledAddressEraser>().EraseDueAsync(disabledAt.AddDays(31), CancellationToken.None);

        Assert.Equal(1, await CountAsync(user));
        // Served again, even with the token from before the disabling.
        Assert.Equal(id, Assert.Single(await stack.ListAsync(token)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_enabling_older_than_the_hold_leaves_it_in_place()
    {
        var (user, token) = stack.Customer();
        await stack.AddAsync(token);
        var disabledAt = await DisableAsync(user);

        var stale = new UserEnabled(user) { OccurredAt = disabledAt.AddDays(-1) };
        await PublishAndWaitAsync(stale, "the older UserEnabled to be handled");

        Assert.True(await BookHeldAsync(user));
        Assert.Empty(await stack.ListAsync(token));
    }

    [Fact]
    public async Task A_late_older_UserDisabled_keeps_the_first_hold()
    {
        var (user, token) = stack.Customer();
        await stack.AddAsync(token);
        var disabledAt = await DisableAsync(user);
        var held = await BookAsync(user);

        var older = new UserDisabled(user, "older") { OccurredAt = disabledAt.AddDays(-3) };
        await PublishAndWaitAsync(older, "the older UserDisabled to be handled");

        var after = await BookAsync(user);
        Assert.Equal(held.DisabledAt, after.DisabledAt);
        Assert.Equal(held.EraseAfter, after.EraseAfter);
        Assert.Equal(disabledAt.AddDays(30).ToUnixTimeMilliseconds(), after.EraseAfter!.Value.ToUnixTimeMilliseconds());
    }

    /// <summary>Publishes <paramref name="event"/> and waits until the inbox recorded it as handled.</summary>
    private async Task PublishAndWaitAsync(IntegrationEvent @event, string what)
    {
        await stack.PublishAsync(@event);
        await Eventually.TrueAsync(async () =>
        {
            using var scope = stack.App.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
            return await db.Set<InboxMessage>().AnyAsync(m => m.EventId == @event.EventId);
        }, what);
    }

    private async Task<AddressBook> BookAsync(Guid user)
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        return await db.Books.AsNoTracking().SingleAsync(b => b.UserId == user);
    }

    /// <summary>Publishes UserDisabled as identity-service would and waits until the owner's list goes empty.</summary>
    private async Task<DateTimeOffset> DisableAsync(Guid user)
    {
        // Identity's clock is a little ahead: the tokens the test already holds are from before it.
        var at = DateTimeOffset.UtcNow.AddSeconds(2);
        await stack.PublishAsync(new UserDisabled(user, "support request") { OccurredAt = at });
        await Eventually.TrueAsync(async () => await BookHeldAsync(user), "the UserDisabled event to hold the book");
        return at;
    }

    private async Task<bool> BookHeldAsync(Guid user)
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        return await db.Books.AsNoTracking().AnyAsync(b => b.UserId == user && b.DisabledAt != null);
    }

    private async Task<int> CountAsync(Guid user)
    {
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        return await db.Addresses.AsNoTracking().CountAsync(a => a.UserId == user);
    }
}

/// <summary>address-service with <c>Addresses:DisabledRetentionDays</c> 0.</summary>
public sealed class NoRetentionStack() : ServiceStack<Program>("address-noretention")
{
    protected override void Configure(IDictionary<string, string?> settings) => settings["Addresses:DisabledRetentionDays"] = "0";
}

/// <summary>With no retention, a disabled user's addresses are erased when the event arrives.</summary>
public sealed class NoRetentionTests(NoRetentionStack stack) : IClassFixture<NoRetentionStack>
{
    [Fact]
    public async Task With_no_retention_a_disabled_users_addresses_are_erased_at_once()
    {
        var user = Guid.NewGuid();
        var token = stack.Tokens.For(user, ["customer"]);
        using var added = await stack.SendAsync(HttpMethod.Post, AddressStack.Prefix, AddressBodies.Valid(), token);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        await stack.PublishAsync(new UserDisabled(user, "deactivated by the user") { OccurredAt = DateTimeOffset.UtcNow.AddSeconds(2) });

        await Eventually.TrueAsync(async () =>
        {
            using var scope = stack.App.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
            return !await db.Addresses.AsNoTracking().AnyAsync(a => a.UserId == user);
        }, "the addresses to be erased");
    }
}

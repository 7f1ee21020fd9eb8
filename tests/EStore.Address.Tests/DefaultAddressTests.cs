using System.Net;
using System.Text.Json;
using EStore.Address.Data;
using EStore.Address.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Address.Tests;

/// <summary>Default shipping and billing: exactly one of each per user, moved on request, promoted on delete.</summary>
public sealed class DefaultAddressTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = AddressStack.Prefix;

    [Fact]
    public async Task The_first_address_becomes_both_defaults_and_later_ones_neither()
    {
        var (_, token) = stack.Customer();

        var first = await stack.AddAsync(token, AddressBodies.Valid("First"));
        var second = await stack.AddAsync(token, AddressBodies.Valid("Second"));

        Assert.True(first.GetProperty("isDefaultShipping").GetBoolean());
        Assert.True(first.GetProperty("isDefaultBilling").GetBoolean());
        Assert.False(second.GetProperty("isDefaultShipping").GetBoolean());
        Assert.False(second.GetProperty("isDefaultBilling").GetBoolean());
    }

    [Theory]
    [InlineData("default-shipping", "isDefaultShipping", "isDefaultBilling")]
    [InlineData("default-billing", "isDefaultBilling", "isDefaultShipping")]
    public async Task Setting_a_default_moves_it_from_the_old_one_and_leaves_the_other_kind(string action, string moved, string kept)
    {
        var (_, token) = stack.Customer();
        var first = Id(await stack.AddAsync(token, AddressBodies.Valid("First")));
        var second = Id(await stack.AddAsync(token, AddressBodies.Valid("Second")));

        using var response = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{second}/{action}", null, token);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(answer.GetProperty(moved).GetBoolean());
        var list = await stack.ListAsync(token);
        Assert.Equal([second], list.Where(a => a.GetProperty(moved).GetBoolean()).Select(Id));
        Assert.Equal([first], list.Where(a => a.GetProperty(kept).GetBoolean()).Select(Id));
    }

    [Fact]
    public async Task Setting_the_current_default_again_changes_nothing_else()
    {
        var (_, token) = stack.Customer();
        var first = Id(await stack.AddAsync(token, AddressBodies.Valid("First")));
        await stack.AddAsync(token, AddressBodies.Valid("Second"));

        using var response = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{first}/default-shipping", null, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([first], (await stack.ListAsync(token)).Where(a => a.GetProperty("isDefaultShipping").GetBoolean()).Select(Id));
    }

    [Fact]
    public async Task Deleting_a_default_promotes_the_most_recently_used_other_address()
    {
        var (_, token) = stack.Customer();
        var home = Id(await stack.AddAsync(token, AddressBodies.Valid("Home")));
        var work = Id(await stack.AddAsync(token, AddressBodies.Valid("Work")));
        var parents = Id(await stack.AddAsync(token, AddressBodies.Valid("Parents")));
        // Work is read by id after Parents was added (as the checkout snapshot does): the most recently used.
        await stack.ReadAsync(token, work);

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{home}", null, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var list = await stack.ListAsync(token);
        var heir = Assert.Single(list, a => a.GetProperty("isDefaultShipping").GetBoolean());
        Assert.Equal(work, Id(heir));
        Assert.True(heir.GetProperty("isDefaultBilling").GetBoolean());
        Assert.False(list.Single(a => Id(a) == parents).GetProperty("isDefaultShipping").GetBoolean());
    }

    [Fact]
    public async Task Editing_an_address_counts_as_using_it_for_promotion()
    {
        var (_, token) = stack.Customer();
        var home = Id(await stack.AddAsync(token, AddressBodies.Valid("Home")));
        var work = Id(await stack.AddAsync(token, AddressBodies.Valid("Work")));
        await stack.AddAsync(token, AddressBodies.Valid("Parents"));
        using var edit = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{work}", AddressBodies.Valid("Office"), token);
        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{home}", null, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(work, Id(Assert.Single(await stack.ListAsync(token), a => a.GetProperty("isDefaultBilling").GetBoolean())));
    }

    [Fact]
    public async Task Deleting_a_shipping_default_promotes_only_shipping()
    {
        var (_, token) = stack.Customer();
        var home = Id(await stack.AddAsync(token, AddressBodies.Valid("Home")));
        var work = Id(await stack.AddAsync(token, AddressBodies.Valid("Work")));
        using var moved = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{work}/default-shipping", null, token);
        var third = Id(await stack.AddAsync(token, AddressBodies.Valid("Third")));

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{work}", null, token);

        var list = await stack.ListAsync(token);
        Assert.Equal([third], list.Where(a => a.GetProperty("isDefaultShipping").GetBoolean()).Select(Id));
        Assert.Equal([home], list.Where(a => a.GetProperty("isDefaultBilling").GetBoolean()).Select(Id));
    }

    [Fact]
    public async Task Deleting_the_last_address_leaves_no_default_and_the_next_one_becomes_both()
    {
        var (_, token) = stack.Customer();
        var only = Id(await stack.AddAsync(token));
        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{only}", null, token);

        var next = await stack.AddAsync(token);

        Assert.True(next.GetProperty("isDefaultShipping").GetBoolean());
        Assert.True(next.GetProperty("isDefaultBilling").GetBoolean());
    }

    [Fact]
    public async Task Concurrent_first_adds_on_two_instances_end_with_exactly_one_default_of_each()
    {
        await using var second = stack.SecondInstance();
        HttpClient[] instances = [stack.App.Http, second.Http];
        for (var round = 0; round < 5; round++)
        {
            var (user, token) = stack.Customer();

            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Prefix) { Content = AddressStack.Json(AddressBodies.Valid($"Tab {i}")) };
                request.Headers.Authorization = new("Bearer", token);
                using var response = await instances[i % 2].SendAsync(request);
                return response.StatusCode;
            }));

            Assert.All(answers, status => Assert.Equal(HttpStatusCode.Created, status));
            using var scope = stack.App.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
            var rows = await db.Addresses.AsNoTracking().Where(a => a.UserId == user).ToListAsync();
            Assert.Equal(8, rows.Count);
            Assert.Single(rows, a => a.IsDefaultShipping);
            Assert.Single(rows, a => a.IsDefaultBilling);
        }
    }

    [Fact]
    public async Task Concurrent_default_changes_on_two_instances_leave_exactly_one_default()
    {
        await using var second = stack.SecondInstance();
        HttpClient[] instances = [stack.App.Http, second.Http];
        var (_, token) = stack.Customer();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(Id(await stack.AddAsync(token, AddressBodies.Valid($"Address {i}"))));
        }

        var answers = await Task.WhenAll(ids.Select(async (id, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{Prefix}/{id}/default-shipping");
            request.Headers.Authorization = new("Bearer", token);
            using var response = await instances[i % 2].SendAsync(request);
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Single(await stack.ListAsync(token), a => a.GetProperty("isDefaultShipping").GetBoolean());
    }

    [Fact]
    public async Task Concurrent_adds_on_two_instances_never_pass_the_limit()
    {
        await using var second = stack.SecondInstance();
        HttpClient[] instances = [stack.App.Http, second.Http];
        var (_, token) = stack.Customer();
        for (var i = 0; i < 17; i++)
        {
            await stack.AddAsync(token, AddressBodies.Valid($"Address {i}"));
        }
        using var start = new SemaphoreSlim(0);

        var pending = Enumerable.Range(0, 24).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Prefix) { Content = AddressStack.Json(AddressBodies.Valid($"Late {i}")) };
            request.Headers.Authorization = new("Bearer", token);
            await start.WaitAsync();
            using var response = await instances[i % 2].SendAsync(request);
            return response.StatusCode;
        }).ToList();
        start.Release(pending.Count);
        var answers = await Task.WhenAll(pending);

        Assert.Equal(3, answers.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(21, answers.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(20, (await stack.ListAsync(token)).Length);
    }

    private static Guid Id(JsonElement address) => address.GetProperty("id").GetGuid();
}

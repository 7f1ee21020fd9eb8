using System.Net;
using EStore.Address.Tests.Infrastructure;

namespace EStore.Address.Tests;

/// <summary>
/// Every endpoint with an id: another user's address answers exactly like a missing one; an administrator may read
/// any address by id but change none but their own.
/// </summary>
public sealed class OwnershipTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = AddressStack.Prefix;

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "" },
        { "PUT", "" },
        { "DELETE", "" },
        { "PUT", "/default-shipping" },
        { "PUT", "/default-billing" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Another_users_address_answers_404_like_a_missing_one(string method, string suffix)
    {
        var (_, owner) = stack.Customer();
        var (_, stranger) = stack.Customer();
        var theirs = await stack.AddAsync(owner);
        var id = theirs.GetProperty("id").GetGuid();

        var missingId = Guid.NewGuid();
        using var foreign = await Send(method, $"{Prefix}/{id}{suffix}", stranger);
        using var missing = await Send(method, $"{Prefix}/{missingId}{suffix}", stranger);

        var foreignProblem = await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        var missingProblem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        // No hint: the same answer as for an id nobody has, apart from the id itself.
        Assert.Equal(
            missingProblem.GetProperty("message").GetString()!.Replace(missingId.ToString(), "ID", StringComparison.Ordinal),
            foreignProblem.GetProperty("message").GetString()!.Replace(id.ToString(), "ID", StringComparison.Ordinal));
        Assert.Equal(theirs.ToString(), (await stack.ReadAsync(owner, id)).ToString());
        Assert.Single(await stack.ListAsync(owner));
    }

    [Fact]
    public async Task An_administrator_reads_any_users_address_by_id()
    {
        var (_, owner) = stack.Customer();
        var theirs = await stack.AddAsync(owner);

        var read = await stack.ReadAsync(stack.Admin, theirs.GetProperty("id").GetGuid());

        Assert.Equal(theirs.GetProperty("line1").GetString(), read.GetProperty("line1").GetString());
        Assert.Equal(theirs.GetProperty("userId").GetGuid(), read.GetProperty("userId").GetGuid());
    }

    [Theory]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("PUT", "/default-shipping")]
    [InlineData("PUT", "/default-billing")]
    public async Task An_administrator_cannot_change_another_users_address(string method, string suffix)
    {
        var (_, owner) = stack.Customer();
        await stack.AddAsync(owner, AddressBodies.Valid("First"));
        var second = await stack.AddAsync(owner, AddressBodies.Valid("Second"));
        var id = second.GetProperty("id").GetGuid();

        using var response = await Send(method, $"{Prefix}/{id}{suffix}", stack.Admin);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(second.ToString(), (await stack.ReadAsync(owner, id)).ToString());
        Assert.Equal(2, (await stack.ListAsync(owner)).Length);
    }

    [Fact]
    public async Task An_administrators_list_and_additions_are_their_own_book()
    {
        var (_, owner) = stack.Customer();
        await stack.AddAsync(owner);
        var admin = stack.Admin;

        Assert.Empty(await stack.ListAsync(admin));
        var mine = await stack.AddAsync(admin);
        using var edit = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{mine.GetProperty("id").GetGuid()}", AddressBodies.Valid("Office"), admin);

        Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        Assert.Single(await stack.ListAsync(admin));
        Assert.Single(await stack.ListAsync(owner));
    }

    [Fact]
    public async Task An_owner_id_in_the_body_is_ignored()
    {
        var (victim, victimToken) = stack.Customer();
        var (caller, token) = stack.Customer();
        var body = AddressBodies.Valid();
        body["userId"] = victim;

        var added = await stack.AddAsync(token, body);

        Assert.Equal(caller, added.GetProperty("userId").GetGuid());
        Assert.Empty(await stack.ListAsync(victimToken));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_needs_a_token(string method, string suffix)
    {
        using var response = await Send(method, $"{Prefix}/{Guid.NewGuid()}{suffix}", null);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Adding_needs_a_token()
    {
        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.Valid(), null);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private Task<HttpResponseMessage> Send(string method, string path, string? token) =>
        stack.SendAsync(new HttpMethod(method), path, method == "PUT" && !path.EndsWith("default-shipping", StringComparison.Ordinal)
            && !path.EndsWith("default-billing", StringComparison.Ordinal) ? AddressBodies.Valid("Changed") : null, token);
}

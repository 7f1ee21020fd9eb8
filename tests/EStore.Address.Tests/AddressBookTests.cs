using System.Net;
using EStore.Address.Tests.Infrastructure;

namespace EStore.Address.Tests;

/// <summary>The caller's own address book: add, list, read, edit, delete, and the limit.</summary>
public sealed class AddressBookTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = AddressStack.Prefix;

    [Fact]
    public async Task An_added_address_is_stored_normalised_and_read_back_whole()
    {
        var (user, token) = stack.Customer();
        var body = AddressBodies.Valid();
        body["line2"] = "  Flat\u00a0 3 ";
        body["region"] = "Greater London";
        body["recipientName"] = "Ａｄａ  Lovelace";

        var added = await stack.AddAsync(token, body);
        var read = await stack.ReadAsync(token, added.GetProperty("id").GetGuid());

        Assert.Equal(user, read.GetProperty("userId").GetGuid());
        Assert.Equal("Home", read.GetProperty("label").GetString());
        Assert.Equal("Ada Lovelace", read.GetProperty("recipientName").GetString());
        Assert.Equal("12 St James's Square", read.GetProperty("line1").GetString());
        Assert.Equal("Flat 3", read.GetProperty("line2").GetString());
        Assert.Equal("London", read.GetProperty("city").GetString());
        Assert.Equal("Greater London", read.GetProperty("region").GetString());
        Assert.Equal("SW1Y 4JH", read.GetProperty("postalCode").GetString());
        Assert.Equal("GB", read.GetProperty("country").GetString());
        Assert.Equal("+442079460958", read.GetProperty("phone").GetString());
        Assert.Equal(added.GetProperty("createdAt").GetDateTimeOffset(), read.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_list_holds_only_the_callers_addresses_oldest_first()
    {
        var (_, token) = stack.Customer();
        var (_, other) = stack.Customer();
        var first = await stack.AddAsync(token, AddressBodies.Valid("Home"));
        var second = await stack.AddAsync(token, AddressBodies.Valid("Work"));
        await stack.AddAsync(other, AddressBodies.Valid("Theirs"));

        var list = await stack.ListAsync(token);

        Assert.Equal([first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid()], list.Select(a => a.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Editing_replaces_every_field_and_keeps_the_defaults()
    {
        var (_, token) = stack.Customer();
        var id = (await stack.AddAsync(token)).GetProperty("id").GetGuid();
        var body = new Dictionary<string, object?>
        {
            ["recipientName"] = "Grace Hopper",
            ["line1"] = "1600 Pennsylvania Ave NW",
            ["city"] = "Washington",
            ["region"] = "DC",
            ["postalCode"] = "20500 0005",
            ["country"] = "US",
            ["phone"] = "001 (202) 456-1111",
        };

        using var response = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{id}", body, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await stack.ReadAsync(token, id);

        Assert.Equal("Grace Hopper", read.GetProperty("recipientName").GetString());
        Assert.False(read.TryGetProperty("label", out _), "the label was not cleared");
        Assert.Equal("20500-0005", read.GetProperty("postalCode").GetString());
        Assert.Equal("US", read.GetProperty("country").GetString());
        Assert.Equal("+12024561111", read.GetProperty("phone").GetString());
        Assert.True(read.GetProperty("isDefaultShipping").GetBoolean());
        Assert.True(read.GetProperty("updatedAt").GetDateTimeOffset() >= read.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_deleted_address_is_gone()
    {
        var (_, token) = stack.Customer();
        var id = (await stack.AddAsync(token)).GetProperty("id").GetGuid();

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{id}", null, token);
        using var read = await stack.SendAsync(HttpMethod.Get, $"{Prefix}/{id}", null, token);
        using var again = await stack.SendAsync(HttpMethod.Delete, $"{Prefix}/{id}", null, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await read.AssertProblemAsync(HttpStatusCode.NotFound);
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await stack.ListAsync(token));
    }

    [Fact]
    public async Task The_twenty_first_address_is_refused_with_409_and_not_stored()
    {
        var (_, token) = stack.Customer();
        for (var i = 0; i < 20; i++)
        {
            await stack.AddAsync(token, AddressBodies.Valid($"Address {i}"));
        }

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.Valid("One too many"), token);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("20", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, (await stack.ListAsync(token)).Length);
    }
}

using System.Net;
using EStore.Address.Tests.Infrastructure;

namespace EStore.Address.Tests;

/// <summary>address-service as <c>./estore up</c> runs it: a SQLite file, the schema from the model.</summary>
public sealed class SqliteAddressStack() : AddressStack("address-sqlite"), IAsyncLifetime
{
    public string File { get; } = Path.Combine(Path.GetTempPath(), $"address-{Guid.NewGuid():N}.db");

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Database:Provider"] = "Sqlite";
        settings["ConnectionStrings:Default"] = $"Data Source={File}";
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    // Re-implemented to remove the file once the service has stopped.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.File.Delete(File);
    }
}

public sealed class SqliteTests(SqliteAddressStack stack) : IClassFixture<SqliteAddressStack>
{
    [Fact]
    public async Task On_SQLite_the_book_keeps_one_default_of_each_and_promotes_on_delete()
    {
        var (_, token) = stack.Customer();
        var home = (await stack.AddAsync(token, AddressBodies.Valid("Home"))).GetProperty("id").GetGuid();
        var work = (await stack.AddAsync(token, AddressBodies.Valid("Work"))).GetProperty("id").GetGuid();
        var parents = (await stack.AddAsync(token, AddressBodies.Valid("Parents"))).GetProperty("id").GetGuid();
        using var moved = await stack.SendAsync(HttpMethod.Put, $"{AddressStack.Prefix}/{parents}/default-billing", null, token);
        await stack.ReadAsync(token, work);

        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"{AddressStack.Prefix}/{home}", null, token);

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var list = await stack.ListAsync(token);
        Assert.Equal(work, Assert.Single(list, a => a.GetProperty("isDefaultShipping").GetBoolean()).GetProperty("id").GetGuid());
        Assert.Equal(parents, Assert.Single(list, a => a.GetProperty("isDefaultBilling").GetBoolean()).GetProperty("id").GetGuid());
    }
}

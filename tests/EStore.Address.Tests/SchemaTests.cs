using EStore.Address.Data;
using EStore.Address.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Address.Tests;

/// <summary>The schema's constraints (the migrations themselves: ServiceStartTests).</summary>
public sealed class SchemaTests(AddressStack stack) : IClassFixture<AddressStack>
{
    [Fact]
    public async Task The_database_refuses_a_second_default_shipping_address_for_one_user()
    {
        var user = Guid.NewGuid();
        using var scope = stack.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AddressDbContext>();
        db.Addresses.Add(Row(user, shipping: true));
        await db.SaveChangesAsync();
        db.Addresses.Add(Row(user, shipping: true));

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static SavedAddress Row(Guid user, bool shipping) => new()
    {
        Id = Guid.NewGuid(),
        UserId = user,
        RecipientName = "A",
        Line1 = "B",
        City = "C",
        Country = "DE",
        Phone = "+4930123456",
        IsDefaultShipping = shipping,
    };
}

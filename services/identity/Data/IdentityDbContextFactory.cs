using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace EStore.Identity.Data;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the service. Migrations are
/// PostgreSQL's; the zero-setup SQLite run creates its schema from the model instead.
/// </summary>
public sealed class IdentityDbContextFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityDbContext>().UseNpgsql("Host=localhost;Database=identity_design").Options);
}

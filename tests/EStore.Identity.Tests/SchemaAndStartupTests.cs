using EStore.Identity.Services;
using EStore.Identity.Tests.Infrastructure;
using EStore.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace EStore.Identity.Tests;

/// <summary>The schema comes from migrations that match the model; the SQLite run works; bad settings stop startup.</summary>
public sealed class SchemaAndStartupTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task Migrations_create_the_PostgreSQL_schema_and_match_the_model()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker);
        var db = env.Identity.CreateDbContext(out var scope);
        using (scope)
        {
            // A model change without a new migration (for example in the messaging tables) fails here.
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration covers: dotnet ef migrations add");
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        }
    }

    [Fact]
    public async Task The_zero_setup_SQLite_run_registers_and_logs_in()
    {
        await using var env = await IsolatedIdentity.StartAsync(broker.Broker, provider: "Sqlite");
        var (_, tokens) = await env.Client.NewUserAsync("sqlite");
        using var me = await env.Client.SendAsync(HttpMethod.Get, "/api/users/me", null, tokens.AccessToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, me.StatusCode);
        using var refresh = await env.Client.PostAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
        Assert.Equal(System.Net.HttpStatusCode.OK, refresh.StatusCode);
    }

    [Theory]
    [InlineData("Identity:Tokens:AccessTokenMinutes", "0")]
    [InlineData("Identity:Tokens:AccessTokenMinutes", "ten")]
    [InlineData("Identity:Keys:RotationDays", "0")]
    [InlineData("Identity:Password:MinLength", "6")]
    [InlineData("Identity:Lockout:MaxFailedAttempts", "1000")]
    [InlineData("Identity:Login:RequireVerifiedEmail", "maybe")]
    [InlineData("Identity:Admin:Email", "only-the-email@example.test")]
    public void Malformed_settings_name_their_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var error = Assert.Throws<StartupConfigurationException>(() => configuration.GetValidatedOptions<IdentitySettings>(IdentitySettings.Section));
        Assert.StartsWith("Identity:", error.Key);
    }

    [Fact]
    public async Task A_weak_admin_password_stops_startup_naming_the_key()
    {
        var settings = new IdentitySettings { Admin = { Email = "admin@example.test", Password = "password1" } };
        var bootstrapper = new AdminBootstrapper(null!, settings, new PasswordPolicy(settings), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AdminBootstrapper>.Instance);
        var error = await Assert.ThrowsAsync<StartupConfigurationException>(() => bootstrapper.InitializeAsync(CancellationToken.None));
        Assert.Equal(IdentitySettings.AdminPasswordKey, error.Key);
    }
}

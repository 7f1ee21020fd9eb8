using EStore.Identity.Data;
using Microsoft.Extensions.DependencyInjection;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// identity-service as a kit <see cref="ServiceApp{TEntryPoint}"/> (the <c>IdentityApp</c> alias): Program runs as in
/// production (RunServiceAsync applies the migrations, the first key and the admin before the server start returns) on
/// real Kestrel at 127.0.0.1 (so other services can fetch its JWKS), on a <see cref="TestClock"/>, with its database
/// round trips counted (<see cref="DbRoundTrips"/>).
/// </summary>
public static class IdentityAppExtensions
{
    // What notification-service would hold: one key for every test instance.
    private static readonly string TokensKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    extension(IdentityApp)
    {
        public static string AdminEmail => "root@estore.test";

        public static string AdminPassword => "admin password for tests";

        /// <summary>The <c>AccountTokens:EncryptionKey</c> of every test instance.</summary>
        public static string AccountTokensKey => TokensKey;

        /// <summary>Settings for tests: fast relay, no mail cooldown, a configured admin.</summary>
        public static Dictionary<string, string?> DefaultSettings(string bootstrapServers, string connectionString)
        {
            var settings = IdentityApp.Settings(bootstrapServers, connectionString);
            settings["Kafka:Consumer:session.timeout.ms"] = "6000";
            settings["Kafka:Consumer:heartbeat.interval.ms"] = "500";
            settings["Messaging:Consumer:CommitIntervalMs"] = "200";
            settings["Identity:Mail:CooldownSeconds"] = "0";
            settings["Identity:Mail:PollMilliseconds"] = "50";
            settings["Identity:Admin:Email"] = IdentityApp.AdminEmail;
            settings["Identity:Admin:Password"] = IdentityApp.AdminPassword;
            settings["AccountTokens:EncryptionKey"] = IdentityApp.AccountTokensKey;
            // Many tests log in and register from one address; RateLimitTests sets its own limits.
            foreach (var endpoint in (string[])["Login", "Register", "ForgotPassword", "ResetPassword", "ResendVerification"])
            {
                settings[$"Identity:RateLimits:{endpoint}:PermitLimit"] = "100000";
            }
            return settings;
        }

        /// <summary>Starts identity-service on its own <see cref="TestClock"/>.</summary>
        public static IdentityApp StartOnTestClock(IDictionary<string, string?> settings) =>
            IdentityApp.Start(settings, services =>
            {
                services.AddSingleton<TimeProvider>(new TestClock());
                services.ConfigureDbContext<IdentityDbContext>(options => options.AddInterceptors(new DbRoundTrips()));
            });
    }

    extension(IdentityApp app)
    {
        /// <summary>The clock the instance runs on (started by <see cref="StartOnTestClock"/>).</summary>
        public TestClock Clock => (TestClock)app.Services.GetRequiredService<TimeProvider>();

        public Uri JwksUrl => new(app.BaseAddress, ".well-known/jwks.json");

        public IdentityDbContext CreateDbContext(out IServiceScope scope)
        {
            scope = app.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        }
    }
}

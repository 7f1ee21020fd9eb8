using EStore.Identity.Data;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace EStore.Identity.Services;

/// <summary>Registers identity-service's business logic.</summary>
public static class IdentityServiceExtensions
{
    /// <summary>
    /// Signing keys: Data Protection for the private keys (key ring in the identity database, or in
    /// <c>Identity:DataProtection:KeysFolder</c>), the key store, rotation, and the first key at startup.
    /// </summary>
    public static WebApplicationBuilder AddSigningKeys(this WebApplicationBuilder builder)
    {
        var settings = builder.AddIdentitySettings();
        // One application name for every instance, whatever its content root, so they share one key ring.
        var protection = builder.Services.AddDataProtection().SetApplicationName("EStore.Identity");
        if (settings.DataProtectionFolder is { } folder)
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(folder));
        }
        else
        {
            builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
                new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DbXmlRepository(sp.GetRequiredService<IServiceScopeFactory>())));
        }
        builder.Services.AddSingleton<SigningKeyStore>();
        builder.Services.AddScoped<SigningKeyManager>();
        builder.Services.AddSingleton<IStartupInitializer, SigningKeyInitializer>();
        builder.Services.AddHostedService<IdentityMaintenance>();
        return builder;
    }

    /// <summary>Accounts, logins, sessions, passwords, user management and the first administrator.</summary>
    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        var settings = builder.AddIdentitySettings();
        builder.Services.Configure<PasswordHasherOptions>(o =>
        {
            o.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            if (settings.Pbkdf2Iterations is { } iterations)
            {
                o.IterationCount = iterations;
            }
        });
        builder.AddValidatedOptions<AccountTokenOptions>(AccountTokenOptions.SectionName);
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddSingleton<DummyPasswordHash>();
        builder.Services.AddSingleton<PasswordPolicy>();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddScoped<LoginService>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddHostedService<MailRequestWorker>();
        builder.Services.AddScoped<UserAdminService>();
        builder.Services.AddSingleton<IStartupInitializer, AdminBootstrapper>();
        return builder;
    }

    // Needed now: the key ring's place and the hasher's iterations are set while services are registered.
    private static IdentitySettings AddIdentitySettings(this WebApplicationBuilder builder) =>
        builder.Services.FirstOrDefault(d => d.ServiceType == typeof(IdentitySettings))?.ImplementationInstance as IdentitySettings
            ?? builder.AddValidatedOptionsNow<IdentitySettings>(IdentitySettings.Section);
}

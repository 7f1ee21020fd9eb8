using EStore.Platform.Hosting;

namespace EStore.Identity.Services;

/// <summary>Makes sure a signing key exists before the first login can be served.</summary>
internal sealed class SigningKeyInitializer(IServiceScopeFactory scopes) : IStartupInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SigningKeyManager>().EnsureCurrentKeyAsync(cancellationToken);
    }
}

using EStore.Discovery.Registry;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Discovery.Security;

/// <summary>
/// Reads the <c>Discovery</c> options before the server starts, so that a validation failure
/// (a missing secret, say) ends the process with the platform's one-line startup error naming the
/// key instead of the host's stack trace. Every failure message starts with its key.
/// </summary>
internal sealed class DiscoveryOptionsStartupCheck(IOptions<DiscoveryServerOptions> options) : IStartupInitializer
{
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = options.Value;
        }
        catch (OptionsValidationException ex)
        {
            var failure = ex.Failures.FirstOrDefault() ?? ex.Message;
            var space = failure.IndexOf(' ', StringComparison.Ordinal);
            throw space > 0
                ? new StartupConfigurationException(failure[..space], failure[(space + 1)..], ex)
                : new StartupConfigurationException(DiscoveryServerOptions.SectionName, failure, ex);
        }
        return Task.CompletedTask;
    }
}

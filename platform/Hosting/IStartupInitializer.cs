namespace EStore.Platform.Hosting;

/// <summary>
/// Work that must finish before a process accepts requests (schema creation, seeding).
/// <c>RunServiceAsync</c> (EStore.ServiceDefaults) runs every registered initializer in
/// registration order. Throw <see cref="StartupConfigurationException"/> for configuration faults.
/// </summary>
public interface IStartupInitializer
{
    /// <summary>Performs the initialization.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}

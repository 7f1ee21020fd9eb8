namespace EStore.Mesh;

/// <summary>What a process is in the mesh; decides its start order and the settings it receives.</summary>
public enum MeshRole
{
    /// <summary>The Eureka-compatible registry; started first, never registers itself.</summary>
    Discovery,

    /// <summary>The API gateway; registers with discovery and routes to the services.</summary>
    Gateway,

    /// <summary>A business service that owns a database.</summary>
    Service,

    /// <summary>A front end (web): no database; reads the gateway's API, so it starts after the gateway and the services.</summary>
    Frontend,
}

/// <summary>One kind of process the mesh can run.</summary>
/// <param name="AppName">The Eureka app name, lower-case (e.g. <c>product-service</c>).</param>
/// <param name="ProjectName">The project (and assembly) name, e.g. <c>EStore.Product</c>.</param>
/// <param name="DefaultPort">The port instance 1 listens on when ports are fixed.</param>
/// <param name="Role">What the process is.</param>
public sealed record MeshServiceDefinition(string AppName, string ProjectName, int DefaultPort, MeshRole Role)
{
    /// <summary>True for processes that get <c>Database__Provider</c> and <c>ConnectionStrings__Default</c>.</summary>
    public bool OwnsData => Role == MeshRole.Service;

    /// <summary>The app name as Eureka stores it (upper-case).</summary>
    public string EurekaAppName => AppName.ToUpperInvariant();
}

/// <summary>The known processes of the mesh (architecture.md, "Services").</summary>
public static class ServiceCatalog
{
    /// <summary>The project name of the mock Kafka broker executable.</summary>
    public const string BrokerProjectName = "EStore.Broker";

    /// <summary>The registry server.</summary>
    public static MeshServiceDefinition Discovery { get; } = new("discovery", "EStore.Discovery", 8761, MeshRole.Discovery);

    /// <summary>The API gateway.</summary>
    public static MeshServiceDefinition Gateway { get; } = new("gateway", "EStore.Gateway", 8080, MeshRole.Gateway);

    /// <summary>Every known process, discovery and gateway first, then the services by port, then the front end.</summary>
    public static IReadOnlyList<MeshServiceDefinition> All { get; } =
    [
        Discovery,
        Gateway,
        new("identity-service", "EStore.Identity", 8081, MeshRole.Service),
        new("product-service", "EStore.Product", 8082, MeshRole.Service),
        new("cart-service", "EStore.Cart", 8083, MeshRole.Service),
        new("address-service", "EStore.Address", 8084, MeshRole.Service),
        new("order-service", "EStore.Order", 8085, MeshRole.Service),
        new("payment-service", "EStore.Payment", 8086, MeshRole.Service),
        new("shop-service", "EStore.Shop", 8087, MeshRole.Service),
        new("notification-service", "EStore.Notification", 8088, MeshRole.Service),
        new("web", "EStore.Web", 8089, MeshRole.Frontend),
    ];

    /// <summary>The business services (everything but discovery and the gateway).</summary>
    public static IReadOnlyList<MeshServiceDefinition> Services { get; } = [.. All.Where(d => d.Role == MeshRole.Service)];

    /// <summary>The known app names, in catalog order.</summary>
    public static IReadOnlyList<string> AppNames { get; } = [.. All.Select(d => d.AppName)];

    /// <summary>Looks an app up by name (case-insensitive).</summary>
    public static bool TryFind(string appName, out MeshServiceDefinition definition)
    {
        definition = All.FirstOrDefault(d => string.Equals(d.AppName, appName, StringComparison.OrdinalIgnoreCase))!;
        return definition is not null;
    }

    /// <summary>Looks an app up by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The app is not in the catalog; the message lists the known apps.</exception>
    public static MeshServiceDefinition Get(string appName) =>
        TryFind(appName, out var definition)
            ? definition
            : throw new ArgumentException(UnknownAppMessage(appName), nameof(appName));

    /// <summary>The error text for an unknown app name, listing the known ones.</summary>
    public static string UnknownAppMessage(string appName) =>
        $"unknown app '{appName}'; known apps: {string.Join(", ", AppNames)}";
}

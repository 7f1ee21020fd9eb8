using System.Reflection;
using System.Xml.Linq;
using EStore.Mesh;
using EStore.Platform.Data;
using EStore.Platform.Discovery;
using EStore.Platform.Errors;
using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Kafka;
using EStore.Platform.Messaging;
using EStore.Platform.Observability;
using EStore.Platform.Paging;
using EStore.Platform.Security;
using EStore.Platform.Text;
using EStore.ServiceDefaults;

namespace EStore.Platform.Tests;

/// <summary>
/// The platform is layered (platform/README.md): building blocks reference only the blocks below them, each
/// assembly is one namespace (so no namespace cycle can hide inside one), <c>AddServiceDefaults</c> sits on top,
/// and the gateway and the discovery server carry only the blocks they use.
/// </summary>
public sealed class PlatformLayeringTests
{
    // Every platform assembly and the platform assemblies it may reference directly.
    private static readonly Dictionary<Assembly, Assembly[]> Allowed = new()
    {
        [typeof(Error).Assembly] = [],
        [typeof(IValidatedOptions).Assembly] = [],
        [typeof(UnicodeText).Assembly] = [],
        [typeof(PageQuery).Assembly] = [typeof(Error).Assembly, typeof(IValidatedOptions).Assembly],
        [typeof(ActuatorEndpoints).Assembly] = [typeof(Error).Assembly, typeof(IValidatedOptions).Assembly],
        [typeof(ObservabilityExtensions).Assembly] = [typeof(Error).Assembly, typeof(IValidatedOptions).Assembly],
        [typeof(KafkaOptions).Assembly] = [typeof(IValidatedOptions).Assembly],
        [typeof(DiscoveryExtensions).Assembly] = [typeof(IValidatedOptions).Assembly, typeof(ActuatorEndpoints).Assembly],
        [typeof(ServiceDatabaseExtensions).Assembly] = [typeof(Error).Assembly, typeof(IValidatedOptions).Assembly, typeof(ActuatorEndpoints).Assembly],
        [typeof(ServiceAuthenticationExtensions).Assembly] =
            [typeof(Error).Assembly, typeof(IValidatedOptions).Assembly, typeof(ActuatorEndpoints).Assembly, typeof(KafkaOptions).Assembly],
        [typeof(MessagingExtensions).Assembly] =
            [typeof(IValidatedOptions).Assembly, typeof(ActuatorEndpoints).Assembly, typeof(ObservabilityExtensions).Assembly, typeof(KafkaOptions).Assembly],
        [typeof(ServiceDefaultsExtensions).Assembly] =
        [
            typeof(Error).Assembly, typeof(IValidatedOptions).Assembly, typeof(ActuatorEndpoints).Assembly,
            typeof(ObservabilityExtensions).Assembly, typeof(DiscoveryExtensions).Assembly,
        ],
    };

    private static readonly RepositoryLayout Layout = RepositoryLayout.Discover();

    [Fact]
    public void Platform_assemblies_reference_only_the_blocks_below_them()
    {
        var platform = Allowed.Keys.Select(a => a.GetName().Name!).ToHashSet();
        foreach (var (assembly, allowed) in Allowed)
        {
            // Constants are compiled in, so a block may reference fewer than its project references, never others.
            var referenced = assembly.GetReferencedAssemblies().Select(r => r.Name!).Where(platform.Contains).ToList();
            Assert.True(referenced.All(allowed.Select(a => a.GetName().Name!).Contains),
                $"{assembly.GetName().Name} references {string.Join(", ", referenced)}; allowed: {string.Join(", ", allowed.Select(a => a.GetName().Name))}");
        }
    }

    [Fact]
    public void Platform_projects_reference_only_the_blocks_below_them()
    {
        // The project files decide what a process carries (packages come with a reference even when no code uses it).
        var allowed = Allowed.ToDictionary(a => a.Key.GetName().Name!, a => a.Value.Select(b => b.GetName().Name!).ToHashSet());
        foreach (var project in Directory.GetFiles(Path.Combine(Layout.Root, "platform"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var referenced = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!))
                .Where(allowed.ContainsKey)
                .ToList();
            Assert.True(referenced.All(allowed[name].Contains), $"{name} references {string.Join(", ", referenced)}; allowed: {string.Join(", ", allowed[name])}");
        }
    }

    [Fact]
    public void Each_platform_assembly_holds_the_one_namespace_named_after_it()
    {
        foreach (var assembly in Allowed.Keys)
        {
            var namespaces = assembly.GetTypes().Where(t => t.Namespace?.StartsWith("EStore.", StringComparison.Ordinal) == true)
                .Select(t => t.Namespace).Distinct().ToList();
            Assert.Equal([assembly.GetName().Name], namespaces);
        }
    }

    [Fact]
    public void Every_platform_project_is_in_the_layer_table()
    {
        var projects = Directory.GetFiles(Path.Combine(Layout.Root, "platform"), "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).Order();

        Assert.Equal(Allowed.Keys.Select(a => a.GetName().Name).Order(), projects);
    }

    [Theory]
    [InlineData("discovery/EStore.Discovery.csproj", new[] { "EStore.Platform.Data", "EStore.Platform.Messaging", "EStore.Platform.Security", "EStore.Platform.Kafka" })]
    [InlineData("gateway/EStore.Gateway.csproj", new[] { "EStore.Platform.Data", "EStore.Platform.Messaging" })]
    public void Gateway_and_discovery_server_carry_no_block_they_do_not_use(string project, string[] unused)
    {
        var closure = ProjectClosure(Path.Combine(Layout.Root, project));

        Assert.Empty(closure.Projects.Intersect(unused));
        Assert.DoesNotContain(closure.Packages, p => p.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || p.StartsWith("Npgsql", StringComparison.Ordinal));
        if (unused.Contains("EStore.Platform.Kafka"))
        {
            Assert.DoesNotContain("Confluent.Kafka", closure.Packages);
        }
    }

    // The projects and packages a project references, transitively, read from the csproj files.
    private static (HashSet<string> Projects, HashSet<string> Packages) ProjectClosure(string path)
    {
        var projects = new HashSet<string>(StringComparer.Ordinal);
        var packages = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(path)]);
        while (pending.TryPop(out var file))
        {
            var document = XDocument.Load(file);
            foreach (var reference in document.Descendants("PackageReference"))
            {
                packages.Add((string)reference.Attribute("Include")!);
            }
            foreach (var reference in document.Descendants("ProjectReference"))
            {
                var referenced = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, (string)reference.Attribute("Include")!));
                if (projects.Add(Path.GetFileNameWithoutExtension(referenced)))
                {
                    pending.Push(referenced);
                }
            }
        }
        return (projects, packages);
    }
}

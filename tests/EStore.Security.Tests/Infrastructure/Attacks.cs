using System.Net;

namespace EStore.Security.Tests.Infrastructure;

/// <summary>Sends a case's request as some caller, through the gateway and directly to the service that owns it.</summary>
public sealed class Attacks(SecurityMesh mesh, World world, IReadOnlyList<Operation> catalog)
{
    private readonly Dictionary<string, string> _apps = catalog.ToDictionary(o => o.Key, o => o.App, StringComparer.Ordinal);
    private readonly List<string> _failures = [];

    public static async Task<Attacks> StartAsync(SecurityMesh mesh) =>
        new(mesh, await mesh.WorldAsync(), await OperationCatalog.ReadAsync(mesh));

    public World World => world;

    public IReadOnlyList<Operation> Catalog => catalog;

    /// <summary>Where a case is sent: the gateway (null), and the owning service's own port unless the gateway answers it itself.</summary>
    public IEnumerable<(string Where, Uri? BaseUrl)> Targets(SecurityCase @case)
    {
        yield return ("gateway", null);
        if (_apps.TryGetValue(@case.Key, out var app))
        {
            yield return (app, mesh.Direct(app));
        }
    }

    public Task<Answer> SendAsync(SecurityCase @case, string? token, Uri? baseUrl, string? path = null) =>
        mesh.SendAsync(baseUrl, @case.Method, path ?? @case.Path(world), @case.Body?.Invoke(world), token, @case.Headers?.Invoke(world));

    /// <summary>Sends the case everywhere as <paramref name="token"/>'s caller and records each answer that is not <paramref name="expected"/>.</summary>
    public async Task ExpectAsync(SecurityCase @case, string? token, string caller, HttpStatusCode expected)
    {
        foreach (var (where, baseUrl) in Targets(@case))
        {
            var answer = await SendAsync(@case, token, baseUrl);
            if (answer.Status != expected)
            {
                Fail($"{@case.Key} as {caller} at {where}: expected {(int)expected}, got {answer}");
            }
            else if ((int)expected >= 400 && answer.MediaType != "application/problem+json")
            {
                Fail($"{@case.Key} as {caller} at {where}: {(int)expected} without a problem body ({answer.MediaType})");
            }
        }
    }

    public void Fail(string failure) => _failures.Add(failure);

    /// <summary>Fails the test listing every case that went wrong (all of them, not only the first).</summary>
    public void AssertNoFailures() =>
        Assert.True(_failures.Count == 0, $"{_failures.Count} failed:\n{string.Join("\n", _failures)}");
}

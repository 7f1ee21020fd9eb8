using System.Collections.Concurrent;
using System.Text.Json;

namespace EStore.Deployment.Tests;

/// <summary>One overlay as <c>kubectl kustomize</c> renders it, read back by the validator (--json).</summary>
internal sealed record RenderedOverlay(string Overlay, string Kubectl, IReadOnlyList<JsonElement> Objects, IReadOnlyList<string> Problems)
{
    private static readonly ConcurrentDictionary<(string, string), Lazy<Task<RenderedOverlay>>> Cache = new();

    public static string ValidatorScript => Tooling.PathOf("deploy", "kubernetes", "validate", "validate.js");

    /// <summary>Renders <paramref name="overlay"/> with every kubectl of <see cref="Tooling.Kubectls"/>, once per test run.</summary>
    public static Task<RenderedOverlay[]> WithEveryKubectlAsync(string overlay) =>
        Task.WhenAll(Tooling.Kubectls().Select(kubectl =>
            Cache.GetOrAdd((overlay, kubectl), key => new(() => RenderAsync(key.Item1, key.Item2))).Value));

    private static async Task<RenderedOverlay> RenderAsync(string overlay, string kubectl)
    {
        var directory = Tooling.PathOf("deploy", "kubernetes", "overlays", overlay);
        var rendered = await Tooling.RunAsync(kubectl, ["kustomize", directory]);
        Assert.True(rendered.ExitCode == 0, $"{kubectl} kustomize {directory} failed ({rendered.ExitCode}):\n{rendered.Errors}");
        var (exitCode, output, errors) = await ValidateAsync(rendered.Output, json: true);
        Assert.True(output.Length > 0, $"the validator printed nothing (exit code {exitCode}); did build/prerequisites.sh test run npm ci?\n{errors}");
        using var document = JsonDocument.Parse(output);
        var objects = document.RootElement.GetProperty("objects").EnumerateArray().Select(o => o.Clone()).ToList();
        var problems = document.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        return new(overlay, kubectl, objects, problems);
    }

    /// <summary>Runs the validator on YAML text.</summary>
    public static Task<(int ExitCode, string Output, string Errors)> ValidateAsync(string yaml, bool json = false) =>
        Tooling.RunAsync("node", json ? [ValidatorScript, "--json"] : [ValidatorScript], yaml);

    public IEnumerable<JsonElement> OfKind(string kind) => Objects.Where(o => o.GetProperty("kind").GetString() == kind);

    public JsonElement? Find(string kind, string name) =>
        OfKind(kind).Cast<JsonElement?>().FirstOrDefault(o => o!.Value.GetProperty("metadata").GetProperty("name").GetString() == name);

    public JsonElement Get(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"{Overlay} (rendered by {Kubectl}) has no {kind} '{name}'");

    /// <summary>A ConfigMap's data by the name it had before kustomize added its hash suffix.</summary>
    public IReadOnlyDictionary<string, string> ConfigMapData(string generatedName)
    {
        var map = OfKind("ConfigMap").Single(o => o.GetProperty("metadata").GetProperty("name").GetString()!.StartsWith(generatedName + "-", StringComparison.Ordinal));
        return map.GetProperty("data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    public override string ToString() => $"{Overlay} rendered by {Kubectl}";
}

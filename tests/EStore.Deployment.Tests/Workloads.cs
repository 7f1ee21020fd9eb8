using System.Text.Json;

namespace EStore.Deployment.Tests;

/// <summary>Reading a rendered workload's single container.</summary>
internal static class Workloads
{
    public static JsonElement Container(JsonElement workload) =>
        workload.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers")[0];

    public static IReadOnlyList<JsonElement> Env(JsonElement workload) =>
        Container(workload).TryGetProperty("env", out var env) ? [.. env.EnumerateArray()] : [];

    /// <summary>The literal value of an environment variable, or null when it is unset or comes from a reference.</summary>
    public static string? EnvValue(JsonElement workload, string name) =>
        Env(workload).Where(e => e.GetProperty("name").GetString() == name && e.TryGetProperty("value", out _))
            .Select(e => e.GetProperty("value").GetString()).FirstOrDefault();

    /// <summary>The Secret and key an environment variable is read from, or null.</summary>
    public static (string Secret, string Key)? EnvSecret(JsonElement workload, string name) =>
        Env(workload).Where(e => e.GetProperty("name").GetString() == name
                && e.TryGetProperty("valueFrom", out var from) && from.TryGetProperty("secretKeyRef", out _))
            .Select(e => e.GetProperty("valueFrom").GetProperty("secretKeyRef"))
            .Select(r => ((string Secret, string Key)?)(r.GetProperty("name").GetString()!, r.GetProperty("key").GetString()!))
            .FirstOrDefault();

    public static int ContainerPort(JsonElement workload, string portName) =>
        Container(workload).GetProperty("ports").EnumerateArray()
            .Where(p => p.TryGetProperty("name", out var n) && n.GetString() == portName)
            .Select(p => p.GetProperty("containerPort").GetInt32()).FirstOrDefault();

    public static string Name(JsonElement element) => element.GetProperty("metadata").GetProperty("name").GetString()!;
}

using EStore.Mesh;

/// <summary>
/// The benchmark's "product-service" endpoint: EStore's own product-service twice on one PostgreSQL database,
/// one of them (`--traced-instance`: 2 by default, 1 to swap, 0 for an A/A run with neither) tracing
/// every request and exporting to the stand-in collector, the other untraced, with the broker, discovery and the
/// gateway they expect (idle during the measurement). The ready file names the untraced one "off".
/// </summary>
internal static class ProductServicePair
{
    public static Task<int> RunAsync(string database, string zipkin, string readyFile, int tracedInstance)
    {
        var options = MeshBenchmarkHost.CreateOptions("tracing");
        options.Apps = ["product-service"];
        options.Databases["product-service"] = new MeshDatabase("Postgres", database);
        options.ConfigureEnvironment = instance =>
        {
            // Only one instance of the measured pair traces; the rest of the mesh exports nothing.
            var traced = instance.Definition.AppName == "product-service" && instance.Index == tracedInstance;
            instance.Variables["Tracing__Enabled"] = traced ? "true" : "false";
            instance.Variables["Tracing__SamplingRatio"] = "1.0";
            instance.Variables["Zipkin__Endpoint"] = traced ? zipkin : null;
        };

        return MeshBenchmarkHost.RunAsync(options, readyFile, async (mesh, cancellationToken) =>
        {
            // The second instance starts once the first has seeded the demo catalog into the empty database.
            var first = mesh.GetInstances("product-service").Single();
            var second = await mesh.StartInstanceAsync("product-service", cancellationToken);
            var (off, on) = tracedInstance == 1 ? (second, first) : (first, second);
            return $"off={off.BaseUrl.ToString().TrimEnd('/')}\non={on.BaseUrl.ToString().TrimEnd('/')}\non_management={on.ManagementUrl?.ToString().TrimEnd('/')}\n";
        });
    }
}

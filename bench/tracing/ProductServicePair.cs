using EStore.Mesh;

/// <summary>
/// The benchmark's "product-service" endpoint: EStore's own product-service twice on one PostgreSQL database,
/// instance 1 with tracing off, instance 2 tracing every request and exporting to the stand-in collector, with
/// the broker, discovery and the gateway they expect (idle during the measurement).
/// </summary>
internal static class ProductServicePair
{
    public static Task<int> RunAsync(string database, string zipkin, string readyFile)
    {
        var options = new MeshHostOptions
        {
            Configuration = "release",
            Ports = MeshPortMode.Auto,
            Apps = ["product-service"],
            SeedDemoData = true,
            DataDirectory = Path.Combine(Path.GetTempPath(), "estore-bench-tracing-" + Guid.NewGuid().ToString("N")[..12]),
            DeleteDataDirectoryOnDispose = true,
            OnProgress = message => Console.WriteLine($"[mesh] {message}"),
            OnOutput = line => Console.WriteLine($"[{line.Source}] {line.Text}"),
            ConfigureEnvironment = instance =>
            {
                // Only the measured pair's second instance traces; the rest of the mesh exports nothing.
                var traced = instance.Definition.AppName == "product-service" && instance.Index == 2;
                instance.Variables["Tracing__Enabled"] = traced ? "true" : "false";
                instance.Variables["Tracing__SamplingRatio"] = "1.0";
                instance.Variables["Zipkin__Endpoint"] = traced ? zipkin : null;
            },
        };
        options.Databases["product-service"] = new MeshDatabase("Postgres", database);
        options.Environment["Logging__LogLevel__Default"] = "Warning";

        return MeshBenchmarkHost.RunAsync(options, readyFile, async (mesh, cancellationToken) =>
        {
            // The second instance starts once the first has seeded the demo catalog into the empty database.
            var untraced = mesh.GetInstances("product-service").Single();
            var traced = await mesh.StartInstanceAsync("product-service", cancellationToken);
            return $"off={untraced.BaseUrl.ToString().TrimEnd('/')}\non={traced.BaseUrl.ToString().TrimEnd('/')}\n";
        });
    }
}

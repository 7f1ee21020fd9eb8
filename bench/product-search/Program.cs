// The product search benchmark's mesh (bench/product-search/run.sh starts it; wrk drives the load):
//   EStore.ProductSearch.Bench --database CONNECTION_STRING --ready-file FILE
// starts the broker, discovery, the gateway and product-service (Release build, OS-chosen ports) with product-service
// on the given PostgreSQL database, writes "gateway=URL" and "product=URL" lines to FILE once everything is routed,
// and stops everything on SIGTERM/SIGINT (exit code 1 if a process of the mesh dies first).
using EStore.Mesh;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var database = Option("--database");
var readyFile = Option("--ready-file");
if (string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(readyFile))
{
    Console.Error.WriteLine("usage: EStore.ProductSearch.Bench --database CONNECTION_STRING --ready-file FILE");
    return 2;
}

var options = MeshBenchmarkHost.CreateOptions("product-search");
// The seed (bench/product-search/seed.sql) builds on the demo products' category tree.
options.Apps = ["product-service"];
options.Databases["product-service"] = new MeshDatabase("Postgres", database);
// The load generator is one anonymous client: the per-IP window would otherwise answer 429.
options.AppEnvironment["gateway"] = new Dictionary<string, string?>
{
    ["Gateway__RateLimits__PerUser__PermitLimit"] = "1000000000",
    ["Gateway__RateLimits__PerUser__WindowSeconds"] = "1",
};

return await MeshBenchmarkHost.RunAsync(options, readyFile, (mesh, _) =>
{
    var product = mesh.GetInstances("product-service").Single();
    return Task.FromResult($"gateway={mesh.GatewayUrl.ToString().TrimEnd('/')}\nproduct={product.BaseUrl.ToString().TrimEnd('/')}\n");
});

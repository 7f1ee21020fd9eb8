// The import benchmark's mesh (bench/import/run.sh starts it and drives the import):
//   EStore.Import.Bench --database-prefix CONNECTION_STRING_WITHOUT_DATABASE --database NAME --ready-file FILE
// starts the broker, discovery, the gateway, identity-service (with a bootstrap administrator) and product-service
// (demo catalog, so a shop exists) on PostgreSQL databases NAME_identity and NAME_product, logs the administrator in
// through the gateway and writes "product=", "token=" and "shop=" lines to FILE. Stops everything on SIGTERM/SIGINT.
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var server = Option("--database-prefix");
var database = Option("--database");
var readyFile = Option("--ready-file");
if (string.IsNullOrWhiteSpace(server) || string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(readyFile))
{
    Console.Error.WriteLine("usage: EStore.Import.Bench --database-prefix CONNECTION_STRING --database NAME --ready-file FILE");
    return 2;
}

const string Email = "import-bench-admin@example.test";
const string Password = "import benchmark password 1";
// Summit Outfitters, a demo shop (services/product/README.md).
const string Shop = "00000000-0000-4000-b000-000000000001";
var options = MeshBenchmarkHost.CreateOptions("import");
options.Apps = ["identity-service", "product-service"];
foreach (var app in options.Apps)
{
    options.Databases[app] = new MeshDatabase("Postgres", $"{server.TrimEnd(';')};Database={database}_{app.Split('-')[0]}");
}
options.AppEnvironment["identity-service"] = new Dictionary<string, string?>
{
    ["Identity__Admin__Email"] = Email,
    ["Identity__Admin__Password"] = Password,
};
options.AppEnvironment["product-service"] = new Dictionary<string, string?>
{
    ["Demo__SeedData"] = "true",
    // The 50,000-row file is about 5 MB; the limit stays the default's order of magnitude.
    ["Import__MaxFileBytes"] = "52428800",
};

return await MeshBenchmarkHost.RunAsync(options, readyFile, async (mesh, cancellationToken) =>
{
    using var http = new HttpClient { BaseAddress = mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    JsonElement login = default;
    // The gateway learns new instances from the registry every few seconds: a fresh route may answer 503 at first.
    for (var attempt = 1; ; attempt++)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { email = Email, password = Password }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            login = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            break;
        }
        if (attempt == 60)
        {
            throw new InvalidOperationException($"login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
    }
    var product = mesh.GetInstances("product-service").Single();
    return $"product={product.BaseUrl.ToString().TrimEnd('/')}\ntoken={login.GetProperty("accessToken").GetString()}\nshop={Shop}\n";
});

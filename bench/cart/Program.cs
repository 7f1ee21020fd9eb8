// The cart benchmark's mesh (bench/cart/run.sh starts it; wrk drives the load):
//   EStore.Cart.Bench --database-prefix CONNECTION_STRING_WITHOUT_DATABASE --database NAME --ready-file FILE
// starts the broker, discovery, the gateway, identity-service, product-service (demo catalog) and cart-service
// (Release build, OS-chosen ports) on PostgreSQL databases NAME_identity, NAME_product and NAME_cart; registers and logs
// in one shopper through the gateway, puts 10 demo variants in their default cart, and writes "gateway=", "token=",
// "cart=" and "product=" lines to FILE. Stops everything on SIGTERM/SIGINT (exit code 1 if a process dies first).
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Mesh;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var server = Option("--database-prefix");
var database = Option("--database");
var readyFile = Option("--ready-file");
if (string.IsNullOrWhiteSpace(server) || string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(readyFile))
{
    Console.Error.WriteLine("usage: EStore.Cart.Bench --database-prefix CONNECTION_STRING --database NAME --ready-file FILE");
    return 2;
}

const int Lines = 10;
var options = MeshBenchmarkHost.CreateOptions("cart");
options.Apps = ["identity-service", "product-service", "cart-service"];
foreach (var app in options.Apps)
{
    options.Databases[app] = new MeshDatabase("Postgres", $"{server.TrimEnd(';')};Database={database}_{app.Split('-')[0]}");
}
// One shopper and one anonymous client make all the requests: the per-user and per-IP windows would answer 429.
options.AppEnvironment["gateway"] = new Dictionary<string, string?>
{
    ["Gateway__RateLimits__PerUser__PermitLimit"] = "1000000000",
    ["Gateway__RateLimits__PerUser__WindowSeconds"] = "1",
};

return await MeshBenchmarkHost.RunAsync(options, readyFile, async (mesh, cancellationToken) =>
{
    using var http = new HttpClient { BaseAddress = mesh.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
    var email = $"bench-{Guid.NewGuid():N}@example.test";
    const string password = "cart benchmark password 1";
    (await Retry(() => http.PostAsJsonAsync("/api/auth/register", new { email, password, name = "Cart Bench" }, cancellationToken))).Dispose();
    var login = await Json(await Retry(() => http.PostAsJsonAsync("/api/auth/login", new { email, password }, cancellationToken)));
    var token = login.GetProperty("accessToken").GetString()!;
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    var catalog = await Json(await Retry(() => http.GetAsync("/api/products?size=50&inStock=true", cancellationToken)));
    var products = catalog.GetProperty("items").EnumerateArray().ToList();
    var variants = products.SelectMany(p => p.GetProperty("variants").EnumerateArray())
        .Where(v => v.GetProperty("stock").GetInt32() > 0).Select(v => v.GetProperty("id").GetGuid()).Take(Lines).ToList();
    if (variants.Count < Lines)
    {
        throw new InvalidOperationException($"the demo catalog has {variants.Count} variants in stock; the benchmark needs {Lines}");
    }
    var carts = await Json(await Retry(() => http.GetAsync("/api/carts", cancellationToken)));
    var cart = carts.EnumerateArray().Single().GetProperty("id").GetGuid();
    foreach (var variant in variants)
    {
        (await Retry(() => http.PostAsJsonAsync($"/api/carts/{cart}/items", new { variantId = variant, quantity = 1 }, cancellationToken))).Dispose();
    }
    var read = await Json(await Retry(() => http.GetAsync($"/api/carts/{cart}", cancellationToken)));
    if (read.GetProperty("lines").GetArrayLength() != Lines || read.GetProperty("priceUnavailable").GetBoolean())
    {
        throw new InvalidOperationException($"the cart read is not the one to measure: {read}");
    }
    var product = products[0].GetProperty("id").GetGuid();
    return $"gateway={mesh.GatewayUrl.ToString().TrimEnd('/')}\ntoken={token}\ncart={cart}\nproduct={product}\n";

    // The gateway learns new instances from the registry every few seconds: a fresh route may answer 503 at first.
    async Task<HttpResponseMessage> Retry(Func<Task<HttpResponseMessage>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await send();
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            if (status != 503 || attempt == 60)
            {
                throw new InvalidOperationException($"{status}: {text}");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        }
    }
});

// The tracing benchmark's processes (bench/tracing/run.sh starts them; wrk drives the load):
//   service   --port-file FILE [--zipkin URL] [--tracing on|off] [--database CONNECTION-STRING]
//             built with the service defaults: GET /api/products/{id} answers from memory; with a database,
//             GET /api/stored-products/{id} reads the row from PostgreSQL (a server span and an Npgsql span)
//   collector --port-file FILE                                     a stand-in Zipkin that counts what it receives
//   product-service --database CONNECTION-STRING --zipkin URL --ready-file FILE [--traced-instance 2|1|0]
//             EStore's product-service twice on that PostgreSQL database (see ProductServicePair), "off=URL" and
//             "on=URL" lines in FILE once both are up; stops on SIGTERM
using EStore.Platform.Data;
using EStore.ServiceDefaults;

var mode = args.FirstOrDefault() ?? "";
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
if (mode == "product-service")
{
    return await ProductServicePair.RunAsync(
        Option("--database") ?? throw new ArgumentException("--database is required"),
        Option("--zipkin") ?? throw new ArgumentException("--zipkin is required"),
        Option("--ready-file") ?? throw new ArgumentException("--ready-file is required"),
        Option("--traced-instance") switch
        {
            null or "2" => 2,
            "1" => 1,
            "0" => 0,
            var other => throw new ArgumentException($"--traced-instance must be 2, 1 or 0, not '{other}'"),
        });
}
var portFile = Option("--port-file") ?? throw new ArgumentException("--port-file is required");

WebApplication app;
if (mode == "service")
{
    var settings = new Dictionary<string, string?>
    {
        ["Eureka:Instance:AppName"] = "bench-service",
        ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
        ["Eureka:Client:ShouldFetchRegistry"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Tracing:Enabled"] = Option("--tracing") == "off" ? "false" : "true",
        ["Tracing:SamplingRatio"] = "1.0",
        ["Zipkin:Endpoint"] = Option("--zipkin"),
        // Metrics answer on a management port only (a free one, written to FILE.management).
        ["Management:Port"] = "0",
    };
    var builder = ServiceHost.CreateBuilder([]);
    builder.Configuration.AddInMemoryCollection(settings);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.AddServiceDefaults();
    builder.Services.AddDatabaseTelemetry();
    app = builder.Build();
    app.MapServiceDefaults();
    app.MapGet("/api/products/{id:int}", (int id) => Results.Json(new Product(id, $"Product {id}", 9.99m + id, 100 - (id % 100))));
    if (Option("--database") is { } connectionString)
    {
        var database = Npgsql.NpgsqlDataSource.Create(connectionString);
        app.MapGet("/api/stored-products/{id:int}", async (int id, CancellationToken cancellationToken) =>
        {
            await using var command = database.CreateCommand("SELECT id, name, price, stock FROM products WHERE id = $1");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? Results.Json(new Product(reader.GetInt32(0), reader.GetString(1), reader.GetDecimal(2), reader.GetInt32(3)))
                : Results.NotFound();
        });
    }
}
else if (mode == "collector")
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    app = builder.Build();
    long spans = 0;
    // Zipkin would run on another machine: the stand-in only counts spans (one "traceId" key each) while
    // streaming the body, so that its own CPU, which shares this machine's cores, barely weighs on the result.
    app.MapPost("/api/v2/spans", async (HttpRequest request) =>
    {
        var key = "\"traceId\""u8.ToArray();
        var buffer = new byte[64 * 1024];
        var carried = 0;
        long count = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(carried, buffer.Length - carried))) > 0)
        {
            var filled = carried + read;
            count += CountOccurrences(buffer.AsSpan(0, filled), key);
            // Keep the tail so a key split across two reads is counted once, in the next round.
            carried = Math.Min(key.Length - 1, filled);
            buffer.AsSpan(filled - carried, carried).CopyTo(buffer);
        }
        Interlocked.Add(ref spans, count);
        return Results.StatusCode(StatusCodes.Status202Accepted);
    });
    app.MapGet("/count", () => Results.Text(Interlocked.Read(ref spans).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
else
{
    Console.Error.WriteLine("usage: TracingBench service|collector --port-file FILE [--zipkin URL] [--tracing on|off] [--database CONNECTION-STRING]\n       TracingBench product-service --database CONNECTION-STRING --zipkin URL --ready-file FILE [--traced-instance 2|1|0]");
    return 2;
}

await app.StartAsync();
var management = app.Services.GetService<EStore.Platform.Health.ManagementPort>();
if (management?.Url is { } managementUrl)
{
    await File.WriteAllTextAsync(portFile + ".management", managementUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
var mainUrl = app.Urls.First(u => management is not { Enabled: true } || !u.EndsWith($":{management.Port}", StringComparison.Ordinal));
await File.WriteAllTextAsync(portFile + ".tmp", new Uri(mainUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
File.Move(portFile + ".tmp", portFile, overwrite: true);
await app.WaitForShutdownAsync();
return 0;

static int CountOccurrences(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
{
    var count = 0;
    int at;
    while ((at = text.IndexOf(key)) >= 0)
    {
        count++;
        text = text[(at + key.Length)..];
    }
    return count;
}

internal sealed record Product(int Id, string Name, decimal Price, int Stock);

// The tracing benchmark's processes (bench/tracing/run.sh starts them; wrk drives the load):
//   service   --port-file FILE [--zipkin URL] [--tracing on|off]   one endpoint, built with the service defaults
//   collector --port-file FILE                                     a stand-in Zipkin that counts what it receives
using System.Text.Json;
using EStore.Platform.Hosting;

var mode = args.FirstOrDefault() ?? "";
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
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
    };
    var builder = ServiceHost.CreateBuilder([]);
    builder.Configuration.AddInMemoryCollection(settings);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.AddServiceDefaults();
    app = builder.Build();
    app.MapServiceDefaults();
    app.MapGet("/api/products/{id:int}", (int id) => Results.Json(new Product(id, $"Product {id}", 9.99m + id, 100 - (id % 100))));
}
else if (mode == "collector")
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    app = builder.Build();
    long spans = 0;
    app.MapPost("/api/v2/spans", async (HttpRequest request) =>
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        Interlocked.Add(ref spans, body.RootElement.GetArrayLength());
        return Results.StatusCode(StatusCodes.Status202Accepted);
    });
    app.MapGet("/count", () => Results.Text(Interlocked.Read(ref spans).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
else
{
    Console.Error.WriteLine("usage: TracingBench service|collector --port-file FILE [--zipkin URL] [--tracing on|off]");
    return 2;
}

await app.StartAsync();
await File.WriteAllTextAsync(portFile + ".tmp", new Uri(app.Urls.Single()).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
File.Move(portFile + ".tmp", portFile, overwrite: true);
await app.WaitForShutdownAsync();
return 0;

internal sealed record Product(int Id, string Name, decimal Price, int Stock);

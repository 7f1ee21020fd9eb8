using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace EStore.EndToEnd.Tests;

/// <summary>
/// One user action is one trace in Zipkin across every process it touches: the gateway, shop-service, its HTTP
/// call to identity-service, the ShopCreated event leaving shop-service's outbox and the two services consuming it.
/// </summary>
[Collection(ShopMeshCollection.Name)]
public sealed class TraceTests(ShopMeshFixture mesh)
{
    [Fact]
    public async Task Opening_a_shop_with_a_stale_token_is_one_trace_from_the_gateway_through_identity_and_kafka_to_both_consumers()
    {
        var email = ShopMeshFixture.NewEmail("traced");
        var userId = await mesh.RegisterAsync(email);
        var stale = await mesh.LoginAsync(email);
        await mesh.VerifyEmailAsync(userId);
        // The test is the client: its traceparent makes the gateway's SERVER span a child of this span id.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();

        await mesh.SendExpectingAsync(HttpStatusCode.Created, HttpMethod.Post, "/api/shops", new { name = $"Traced {Guid.NewGuid():N}"[..22], contactEmail = "traced@shop.example.test" }, stale,
            traceParent: $"00-{traceId}-{clientSpanId}-01");

        var spans = await mesh.Zipkin.WaitForTraceAsync(traceId, s => Complete(s), (int)ShopMeshFixture.Bounded.TotalMilliseconds);
        Assert.True(Complete(spans), "incomplete trace:\n" + Describe(spans));
        var byId = spans.ToDictionary(Id);

        // Every span is one Zipkin accepts, and its service name is the Eureka app name.
        Assert.All(spans, s => Assert.Empty(ZipkinSpanRules.Check(s)));
        Assert.Empty(mesh.Zipkin.Problems);
        Assert.All(spans, s => Assert.Contains(Service(s), new[] { "gateway", "shop-service", "identity-service", "product-service" }));

        // The gateway's SERVER span is the root under the client's span; nothing else dangles.
        var gatewayServer = Assert.Single(spans, s => Is(s, "gateway", "SERVER"));
        Assert.Equal(clientSpanId, ParentId(gatewayServer));
        Assert.All(spans.Where(s => s.GetRawText() != gatewayServer.GetRawText()), s =>
            Assert.True(ParentId(s) is { } parent && byId.ContainsKey(parent), $"span without a parent in the trace: {s}"));

        // gateway SERVER -> gateway CLIENT (the forward) -> shop-service SERVER.
        var shopServer = Assert.Single(spans, s => Is(s, "shop-service", "SERVER") && Name(s).StartsWith("POST", StringComparison.Ordinal));
        var forward = byId[Ancestors(shopServer, byId).First()];
        Assert.True(Is(forward, "gateway", "CLIENT"), $"shop-service SERVER's parent is not the gateway's CLIENT span: {forward}");
        Assert.Contains(Id(gatewayServer), Ancestors(forward, byId));

        // shop-service CLIENT -> identity-service SERVER: the fresh e-mail check, under shop-service's request.
        var identityServer = Assert.Single(spans, s => Is(s, "identity-service", "SERVER") && Name(s).Contains("/api/users/me", StringComparison.Ordinal));
        var identityCall = byId[ParentId(identityServer)!];
        Assert.True(Is(identityCall, "shop-service", "CLIENT"), $"identity-service SERVER's parent is not shop-service's CLIENT span: {identityCall}");
        Assert.Contains(Id(shopServer), Ancestors(identityCall, byId));

        // The outbox relay's PRODUCER continues the request's trace; both consumers continue the producer's.
        var producer = Assert.Single(spans, s => Is(s, "shop-service", "PRODUCER"));
        Assert.Equal("send shop.events", Name(producer));
        Assert.Contains(Id(shopServer), Ancestors(producer, byId));
        foreach (var consumerService in new[] { "product-service", "identity-service" })
        {
            var consumer = Assert.Single(spans, s => Is(s, consumerService, "CONSUMER"));
            Assert.Equal("process shop.events", Name(consumer));
            Assert.Contains(Id(producer), Ancestors(consumer, byId));
        }
    }

    private static bool Complete(IReadOnlyList<JsonElement> spans) =>
        spans.Any(s => Is(s, "gateway", "SERVER"))
        && spans.Any(s => Is(s, "shop-service", "SERVER"))
        && spans.Any(s => Is(s, "identity-service", "SERVER"))
        && spans.Any(s => Is(s, "shop-service", "PRODUCER"))
        && spans.Any(s => Is(s, "product-service", "CONSUMER"))
        && spans.Any(s => Is(s, "identity-service", "CONSUMER"))
        // Parents are exported after their children: wait until no span points at a missing one.
        && spans.All(s => ParentId(s) is not { } parent || spans.Any(p => Id(p) == parent) || Is(s, "gateway", "SERVER"));

    /// <summary>The span ids above <paramref name="span"/>, nearest first (bounded: a trace has no cycles, but a bug might).</summary>
    private static List<string> Ancestors(JsonElement span, IReadOnlyDictionary<string, JsonElement> byId)
    {
        var ancestors = new List<string>();
        for (var current = span; ancestors.Count < byId.Count && ParentId(current) is { } parent && byId.TryGetValue(parent, out var next); current = next)
        {
            ancestors.Add(parent);
        }
        return ancestors;
    }

    private static bool Is(JsonElement span, string service, string kind) =>
        Service(span) == service && span.TryGetProperty("kind", out var k) && k.GetString() == kind;

    private static string Id(JsonElement span) => span.GetProperty("id").GetString()!;

    private static string? ParentId(JsonElement span) => span.TryGetProperty("parentId", out var parent) ? parent.GetString() : null;

    private static string Name(JsonElement span) => span.GetProperty("name").GetString()!;

    private static string? Service(JsonElement span) =>
        span.TryGetProperty("localEndpoint", out var local) && local.TryGetProperty("serviceName", out var name) ? name.GetString() : null;

    private static string Describe(IReadOnlyList<JsonElement> spans) =>
        string.Join('\n', spans.Select(s => $"{Service(s)} {(s.TryGetProperty("kind", out var k) ? k.GetString() : "-")} '{Name(s)}' id={Id(s)} parent={ParentId(s)}"));
}

using EStore.Gateway.Aggregation;
using EStore.Gateway.OpenApi;
using EStore.Gateway.Pipeline;
using EStore.Gateway.Routing;
using EStore.Gateway.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayTransport();             // sockets run requests inline: no thread hops per request
builder.AddGatewayPipeline();              // body size, timeouts, CORS
builder.AddGatewayRateLimits();            // per-IP strict on credentials, per-user elsewhere
builder.AddDiscoveryRoutedProxy()          // YARP routes from config, destinations from Eureka
    .AddGatewaySecurity(builder);          // JWT (JWKS via discovery, revocations), identity headers
builder.AddGatewayApiDocs();               // the services' OpenAPI documents, fetched through discovery
builder.AddGatewayAggregation();           // /api/aggregate/*: parts from several services, the caller's token

var app = builder.Build();
app.UseRequestId();                        // first: every answer carries X-Request-Id
app.UseGatewayClientOrigin();               // trusted proxies' X-Forwarded-For/-Proto, HSTS over TLS
app.MapServiceDefaults(bufferSmallResponses: false); // problem bodies, actuator; proxied bodies stream
app.UseGatewaySwaggerUi();                 // /swagger: the UI over every service's document
app.UseGatewayPipeline();                  // routing, CORS, authn, rate limits, authz, timeouts
app.MapGatewayActuator();
app.MapGatewayApiDocs();                   // GET /api-docs, GET /api-docs/{service}
app.MapGatewayAggregation();               // GET /api/aggregate/checkout, /api/aggregate/orders/{id}
app.MapReverseProxy();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;

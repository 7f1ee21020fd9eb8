using EStore.Gateway.Pipeline;
using EStore.Gateway.Routing;
using EStore.Gateway.Security;
using EStore.Platform.Hosting;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayPipeline();              // body size, timeouts, CORS
builder.AddGatewayRateLimits();            // per-IP strict on credentials, per-user elsewhere
builder.AddDiscoveryRoutedProxy()          // YARP routes from config, destinations from Eureka
    .AddGatewaySecurity(builder);          // JWT (JWKS via discovery, revocations), identity headers

var app = builder.Build();
app.UseRequestId();                        // first: every answer carries X-Request-Id
app.MapServiceDefaults();                  // problem bodies, status code pages, actuator
app.UseGatewayPipeline();                  // routing, CORS, authn, rate limits, authz, timeouts
app.MapGatewayActuator();
app.MapReverseProxy();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;

using EStore.Gateway.Routing;
using EStore.Platform.Hosting;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiscoveryRoutedProxy();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGatewayActuator();
app.MapReverseProxy();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;

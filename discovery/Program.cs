using EStore.Discovery;
using EStore.Discovery.Dashboard;
using EStore.Discovery.Endpoints;
using EStore.ServiceDefaults;

// EStore.Discovery: the Eureka-compatible registry every process registers with (port 8761).
// appsettings.json keeps the platform's Eureka client from registering with itself; its
// Eureka:Client:ServiceUrl list names the peer discovery nodes (see README.md beside this file).
var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDiscoveryServer();

var app = builder.Build();
app.MapServiceDefaults();
app.MapEurekaEndpoints();
app.MapDiscoveryDashboard();

return await app.RunServiceAsync();

/// <summary>Visible to WebApplicationFactory in the component tests.</summary>
public partial class Program;

using EStore.Platform.Data;
using EStore.Platform.Hosting;
using EStore.Product.Controllers;
using EStore.Product.Data;
using EStore.Product.Services;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<ProductDbContext>(DemoCatalog.SeedAsync);
builder.Services.AddScoped<ProductCatalog>();

var app = builder.Build();
app.MapServiceDefaults();
app.MapProductEndpoints();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;

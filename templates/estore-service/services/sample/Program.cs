//#if (publishes)
using EStore.Contracts;
//#endif
using EStore.Sample.Apis;
using EStore.Sample.Data;
using EStore.Platform.Data;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using EStore.ServiceDefaults;

var builder = ServiceHost.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddServiceDatabase<SampleDbContext>();
//#if (publishes)
builder.AddKafkaMessaging<SampleDbContext>(messaging => messaging.Publishes(Topics.TopicConstant));
//#else
// No topic of its own yet: add messaging.Publishes(...) and messaging.Consumes<TEvent, THandler>() here when it has one.
builder.AddKafkaMessaging<SampleDbContext>(_ => { });
//#endif
builder.AddServiceAuthentication();

var app = builder.Build();
app.MapServiceDefaults();
app.MapSampleApi();
return await app.RunServiceAsync();

/// <summary>Entry point, visible to in-process component tests.</summary>
public partial class Program;

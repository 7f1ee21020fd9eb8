using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace EStore.PaymentSandbox.Tests;

/// <summary>A webhook endpoint on real Kestrel that keeps every delivery (raw body and Stripe-Signature) and answers
/// with the statuses it is given, then 200.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<(string Body, string Signature, int AnsweredWith)> Deliveries { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(params int[] firstStatuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var statuses = new ConcurrentQueue<int>(firstStatuses);
        WebhookReceiver? receiver = null;
        app.MapPost("/webhooks", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = statuses.TryDequeue(out var next) ? next : 200;
            receiver!.Deliveries.Enqueue((body, context.Request.Headers["Stripe-Signature"].ToString(), status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver = new WebhookReceiver(app, new Uri(app.Urls.First().TrimEnd('/') + "/webhooks"));
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

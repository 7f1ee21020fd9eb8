using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EStore.Observability.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task A_log_line_written_during_a_request_carries_its_trace_and_span_ids()
    {
        var lines = new CapturingLoggerProvider();
        await using var app = await TestApp.StartAsync("logging-service", configure: b => b.Logging.AddProvider(lines), map: a =>
            a.MapGet("/log", (ILogger<LoggingTests> logger) =>
            {
                logger.LogInformation("handling the order");
                return Results.Text($"{Activity.Current!.TraceId.ToHexString()} {Activity.Current.SpanId.ToHexString()}");
            }));

        var ids = (await app.Client.GetStringAsync("/log")).Split(' ');

        var line = Assert.Single(lines.Lines, l => l.Message == "handling the order");
        Assert.Equal(ids[0], line.Scope["TraceId"]);
        Assert.Equal(ids[1], line.Scope["SpanId"]);
    }

    [Fact]
    public async Task The_console_prints_scopes_on_one_line_by_default_and_json_when_configured()
    {
        await using (var plain = await TestApp.StartAsync("logging-service"))
        {
            Assert.Equal(ConsoleFormatterNames.Simple, plain.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
            var simple = plain.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
            Assert.True(simple.SingleLine);
            Assert.True(simple.IncludeScopes);
        }
        await using var json = await TestApp.StartAsync("logging-service", new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" });
        Assert.Equal(ConsoleFormatterNames.Json, json.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(json.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
    }
}

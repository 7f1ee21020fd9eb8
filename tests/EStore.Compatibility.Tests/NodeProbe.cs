using System.Diagnostics;
using System.Text.Json;

namespace EStore.Compatibility.Tests;

/// <summary>
/// One <c>node probe.js</c> process driving eureka-js-client (see eureka-js/probe.js): its
/// stdout lines are JSON events, its stdin takes commands. Disposing kills it if still running.
/// </summary>
internal sealed class NodeProbe : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly Dictionary<string, int> _consumed = [];
    private readonly List<string> _stderr = [];

    private NodeProbe(Process process)
    {
        _process = process;
    }

    /// <summary>Starts eureka-js-client with <paramref name="config"/> (its constructor argument).</summary>
    public static async Task<NodeProbe> StartAsync(object config)
    {
        var directory = await EurekaJsInstall.EnsureAsync();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(directory, "probe.js"));
        start.ArgumentList.Add(JsonSerializer.Serialize(config));
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var probe = new NodeProbe(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                lock (probe._events)
                {
                    probe._events.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (probe._stderr)
                {
                    probe._stderr.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return probe;
    }

    /// <summary>Waits for the next not yet awaited event named <paramref name="name"/> (events of other names stay available).</summary>
    public async Task<JsonElement> WaitForAsync(string name, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            lock (_events)
            {
                var seen = _consumed.GetValueOrDefault(name);
                var matching = _events.Where(e => e.GetProperty("event").GetString() == name).Skip(seen).Take(1).ToList();
                if (matching.Count == 1)
                {
                    _consumed[name] = seen + 1;
                    return matching[0];
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"eureka-js-client sent no further '{name}' event within {timeoutSeconds} s. Its stderr:\n{StandardError()}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>The instances eureka-js-client resolves for an app id (<c>getInstancesByAppId</c>).</summary>
    public Task<JsonElement> ResolveAsync(string appId) => AskAsync($"resolve {appId}");

    /// <summary>The instances eureka-js-client resolves for a VIP address (<c>getInstancesByVipAddress</c>).</summary>
    public Task<JsonElement> ResolveVipAsync(string vipAddress) => AskAsync($"vip {vipAddress}");

    /// <summary>Stops the client (deregistering when it registered) and waits for the process to end.</summary>
    public async Task StopAsync()
    {
        await _process.StandardInput.WriteLineAsync("stop");
        await _process.StandardInput.FlushAsync();
        var stopped = await WaitForAsync("stopped");
        Assert.True(stopped.GetProperty("error").ValueKind == JsonValueKind.Null, $"stop failed: {stopped}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public string StandardError()
    {
        lock (_stderr)
        {
            return string.Join('\n', _stderr);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task<JsonElement> AskAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return (await WaitForAsync("instances")).GetProperty("instances");
    }
}

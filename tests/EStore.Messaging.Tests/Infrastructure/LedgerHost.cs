using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Platform.Health;
using EStore.Platform.Hosting;
using EStore.Platform.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests.Infrastructure;

/// <summary>Settings of a ledger-service instance, tuned for tests (short timeouts, fast retries).</summary>
public static class LedgerSettings
{
    public static Dictionary<string, string?> Postgres(string bootstrapServers, string connectionString, string instance) =>
        Common(bootstrapServers, instance, "Postgres", connectionString);

    public static Dictionary<string, string?> Sqlite(string bootstrapServers, string file, string instance) =>
        Common(bootstrapServers, instance, "Sqlite", $"Data Source={file}");

    private static Dictionary<string, string?> Common(string bootstrapServers, string instance, string provider, string connectionString) => new()
    {
        ["Eureka:Instance:AppName"] = LedgerApp.AppName,
        ["Eureka:Client:ShouldRegisterWithEureka"] = "false",
        ["Eureka:Client:ShouldFetchRegistry"] = "false",
        ["Database:Provider"] = provider,
        ["ConnectionStrings:Default"] = connectionString,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        // A killed member is noticed after 6 s instead of librdkafka's 45 s.
        ["Kafka:Consumer:session.timeout.ms"] = "6000",
        ["Kafka:Consumer:heartbeat.interval.ms"] = "500",
        ["Messaging:Relay:PollIntervalMs"] = "200",
        ["Messaging:Relay:PublishTimeoutSeconds"] = "5",
        ["Messaging:Relay:LeaseSeconds"] = "15",
        ["Messaging:Relay:MaxBackoffMs"] = "1000",
        ["Messaging:Consumer:MaxAttempts"] = "3",
        ["Messaging:Consumer:RetryBackoffMs"] = "20",
        ["Messaging:Consumer:CommitIntervalMs"] = "200",
        ["Messaging:ErrorLogIntervalSeconds"] = "5",
        [LedgerApp.InstanceKey] = instance,
        // Health details (backlog, assigned partitions, client errors) answer on the management port only.
        ["Management:Port"] = "0",
    };
}

/// <summary>A ledger-service instance in this process (real Kestrel on 127.0.0.1:0).</summary>
public sealed class LedgerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private LedgerHost(WebApplication app)
    {
        _app = app;
        var management = app.Services.GetRequiredService<ManagementPort>();
        var main = app.Urls.First(u => !management.Enabled || !u.EndsWith($":{management.Port}", StringComparison.Ordinal));
        Client = new HttpClient { BaseAddress = new Uri(main), Timeout = TimeSpan.FromSeconds(15) };
        Management = new HttpClient { BaseAddress = management.Url ?? new Uri(main), Timeout = TimeSpan.FromSeconds(15) };
    }

    public IServiceProvider Services => _app.Services;

    public HttpClient Client { get; }

    /// <summary>A client of the management port, where health shows its details.</summary>
    public HttpClient Management { get; }

    public static async Task<LedgerHost> StartAsync(IReadOnlyDictionary<string, string?> settings, ITestOutputHelper? output = null)
    {
        var instance = settings.GetValueOrDefault(LedgerApp.InstanceKey) ?? "host";
        var app = LedgerApp.Build(settings, [], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new TestOutputLoggerProvider(output, instance));
        });
        // What RunServiceAsync does before it runs the app.
        using var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var initializer in app.Services.GetServices<IStartupInitializer>())
        {
            await initializer.InitializeAsync(startup.Token);
        }
        await app.StartAsync(startup.Token);
        return new LedgerHost(app);
    }

    /// <summary>Commits account state and one outbox row per event in one SaveChanges.</summary>
    public async Task PublishAsync(params IIntegrationEvent[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IEventOutbox>();
        foreach (var @event in events)
        {
            if (@event is LedgerEvent ledger)
            {
                var account = await db.Accounts.FindAsync(ledger.AccountId);
                if (account is null)
                {
                    db.Accounts.Add(account = new Account { Id = ledger.AccountId });
                }
                account.Entries++;
            }
            outbox.Add(@event);
        }
        await db.SaveChangesAsync();
    }

    public async Task<T> QueryAsync<T>(Func<LedgerDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<LedgerDbContext>());
    }

    public Task<List<LedgerEntry>> LedgerAsync() => QueryAsync(db => db.Ledger.AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    public Task<List<OutboxMessage>> OutboxAsync() => QueryAsync(db => db.Set<OutboxMessage>().AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    /// <summary>Graceful stop, bounded.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        await _app.StopAsync(cancel.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A ledger-service instance in its own process (this assembly's <c>serve</c> mode), killable with SIGKILL.</summary>
public sealed class LedgerProcess : IAsyncDisposable
{
    private readonly string _announceFile;

    private LedgerProcess(ManagedProcess process, string announceFile, Uri baseAddress, Uri managementAddress)
    {
        Process = process;
        _announceFile = announceFile;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        Management = new HttpClient { BaseAddress = managementAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public ManagedProcess Process { get; }

    public HttpClient Client { get; }

    /// <summary>A client of the management port, where health shows its details.</summary>
    public HttpClient Management { get; }

    public static async Task<LedgerProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> settings, ITestOutputHelper? output)
    {
        var announceFile = Path.Combine(Path.GetTempPath(), $"estore-msg-{Guid.NewGuid():N}.url");
        var info = ManagedProcessStartInfo.ForDotnet(name, typeof(Program).Assembly.Location, "serve");
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        info.Environment["Mesh__AnnounceFile"] = announceFile;
        info.Environment["Mesh__ExitOnStdinClose"] = "true";
        info.OnOutput = line => TestOutputLoggerProvider.Write(output, $"[{name}] {line.Text}");
        var process = ManagedProcess.Start(info);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!File.Exists(announceFile))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await process.DisposeAsync();
                throw new InvalidOperationException($"{name} did not start: {string.Join(Environment.NewLine, process.GetRecentLines(30))}");
            }
            await Task.Delay(100);
        }
        // The management URL is announced before the main one.
        return new LedgerProcess(process, announceFile, new Uri(await File.ReadAllTextAsync(announceFile)),
            new Uri(await File.ReadAllTextAsync(announceFile + ".management")));
    }

    public void Kill() => Process.Kill();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management.Dispose();
        await Process.DisposeAsync();
        File.Delete(_announceFile);
        File.Delete(_announceFile + ".management");
    }
}

/// <summary>Writes log lines to the test's output (and nowhere once the test has finished).</summary>
public sealed class TestOutputLoggerProvider(ITestOutputHelper? output, string instance) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, instance, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    public static void Write(ITestOutputHelper? output, string line)
    {
        try
        {
            output?.WriteLine($"{DateTime.Now:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; late lines from background services are dropped.
        }
    }

    private sealed class Logger(ITestOutputHelper? output, string instance, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Write(output, $"[{instance}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetBaseException().Message)}");
            }
        }
    }
}

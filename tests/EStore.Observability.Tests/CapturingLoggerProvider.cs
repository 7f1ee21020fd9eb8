using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EStore.Observability.Tests;

internal sealed record Line(string Category, LogLevel Level, string Message, Dictionary<string, object?> Scope);

/// <summary>Sees log lines with the scopes the logger factory adds (where the activity ids are).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Line> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<Line> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string categoryName) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes?.ForEachScope((value, into) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        into[pair.Key] = pair.Value;
                    }
                }
            }, scope);
            owner._lines.Enqueue(new Line(categoryName, logLevel, formatter(state, exception), scope));
        }
    }
}

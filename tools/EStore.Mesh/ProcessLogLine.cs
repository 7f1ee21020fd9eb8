namespace EStore.Mesh;

/// <summary>One line a child process wrote.</summary>
/// <param name="Source">The process's name, e.g. <c>product-service#1</c>.</param>
/// <param name="Text">The line without its terminator.</param>
/// <param name="IsError">True when it came from standard error.</param>
/// <param name="Timestamp">When the line was read.</param>
public sealed record ProcessLogLine(string Source, string Text, bool IsError, DateTimeOffset Timestamp);

/// <summary>A bounded, thread-safe record of the most recent lines, for error reports.</summary>
internal sealed class LogTail(int capacity)
{
    private readonly Queue<string> _lines = new();
    private readonly int _capacity = Math.Max(1, capacity);

    public void Add(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == _capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<string> Last(int count)
    {
        lock (_lines)
        {
            return [.. _lines.Skip(Math.Max(0, _lines.Count - count))];
        }
    }
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EStore.Identity.Tests.Infrastructure;

/// <summary>
/// Records the database round trips (commands, transaction begin and commit) made by EF Core in the async flow that
/// called <see cref="Start"/>, and nothing elsewhere: registered on identity-service's DbContext in every test instance.
/// </summary>
public sealed class DbRoundTrips : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private static readonly AsyncLocal<List<string>?> s_current = new();

    /// <summary>Starts recording in this async flow; the list fills as commands run.</summary>
    public static List<string> Start() => s_current.Value = [];

    public static void Stop() => s_current.Value = null;

    private static void Add(string entry) => s_current.Value?.Add(entry);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command.CommandText);
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Add("BEGIN");
        return ValueTask.FromResult(result);
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Add("COMMIT");
        return ValueTask.FromResult(result);
    }
}

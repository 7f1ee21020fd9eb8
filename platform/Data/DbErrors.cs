using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace EStore.Platform.Data;

/// <summary>Recognises constraint violations of either engine a service may run on.</summary>
public static class DbErrors
{
    private const int SqliteConstraint = 19;

    /// <summary>
    /// Whether a save failed on a unique index: the race a uniqueness pre-check cannot close, answered as 409.
    /// </summary>
    /// <param name="ex">What <c>SaveChanges</c> threw.</param>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        _ => false,
    };
}

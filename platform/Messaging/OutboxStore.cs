using Microsoft.EntityFrameworkCore;

namespace EStore.Platform.Messaging;

/// <summary>The relay's queries on the outbox table (PostgreSQL or SQLite).</summary>
internal static class OutboxStore
{
    private const string T = MessagingModelBuilderExtensions.OutboxTable;

    // The oldest pending rows that are not leased, skipping any row whose aggregate still has an
    // earlier row leased by another relay instance: per-key order holds across instances.
    // Because candidates are taken in id order, a claimed batch holds a prefix of every key's
    // pending rows. {0} lease until, {1} owner, {2} now, {3} batch size.
    private const string Candidates = $$"""
        SELECT o.id FROM {{T}} o
        WHERE o.sent_at IS NULL
          AND (o.lease_until IS NULL OR o.lease_until < {2})
          AND NOT EXISTS (
            SELECT 1 FROM {{T}} p
            WHERE p.sent_at IS NULL AND p.topic = o.topic AND p.aggregate_key = o.aggregate_key
              AND p.id < o.id AND p.lease_until >= {2})
        ORDER BY o.id
        LIMIT {3}
        """;

    // PostgreSQL: rows another claim or mark-sent has locked are skipped, not waited for. The
    // transaction-scoped advisory lock serialises claims, because SKIP LOCKED alone would let two
    // concurrent claims each see the other's uncommitted lease as absent and split one key's rows.
    private const string PostgresClaim = $$"""
        UPDATE {{T}} SET lease_until = {0}, lease_owner = {1}, attempts = attempts + 1
        WHERE id IN ({{Candidates}}
          FOR UPDATE SKIP LOCKED)
        RETURNING *
        """;

    // SQLite has one writer at a time, so the single statement is already atomic.
    private const string SqliteClaim = $$"""
        UPDATE {{T}} SET lease_until = {0}, lease_owner = {1}, attempts = attempts + 1
        WHERE id IN ({{Candidates}})
        RETURNING *
        """;

    // Any constant shared by every instance of every service; each service has its own database.
    private const long ClaimLockKey = 0x0E57_0BE0_0C1A_1A00;

    public static async Task<List<OutboxMessage>> ClaimAsync(DbContext db, string owner, DateTime now, DateTime leaseUntil, int batchSize, CancellationToken cancellationToken)
    {
        object[] parameters = [leaseUntil, owner, now, batchSize];
        List<OutboxMessage> rows;
        if (db.Database.IsNpgsql())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ClaimLockKey})", cancellationToken);
            rows = await db.Set<OutboxMessage>().FromSqlRaw(PostgresClaim, parameters).AsNoTracking().ToListAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        else if (db.Database.IsSqlite())
        {
            rows = await db.Set<OutboxMessage>().FromSqlRaw(SqliteClaim, parameters).AsNoTracking().ToListAsync(cancellationToken);
        }
        else
        {
            throw new NotSupportedException($"the outbox supports PostgreSQL and SQLite, not {db.Database.ProviderName}.");
        }
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        return rows;
    }

    public static Task MarkSentAsync(DbContext db, IReadOnlyCollection<long> ids, DateTime now, CancellationToken cancellationToken) =>
        db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.SentAt, now)
            .SetProperty(m => m.LeaseUntil, (DateTime?)null)
            .SetProperty(m => m.LeaseOwner, (string?)null)
            .SetProperty(m => m.LastError, (string?)null), cancellationToken);

    /// <summary>Gives rows back at once (rather than at lease expiry) so the next attempt can take them.</summary>
    public static Task ReleaseAsync(DbContext db, IReadOnlyCollection<long> ids, string error, CancellationToken cancellationToken)
    {
        var message = error.Length > 2000 ? error[..2000] : error;
        return db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.LeaseUntil, (DateTime?)null)
            .SetProperty(m => m.LeaseOwner, (string?)null)
            .SetProperty(m => m.LastError, message), cancellationToken);
    }

    public static async Task<(long Count, DateTime? Oldest)> BacklogAsync(DbContext db, CancellationToken cancellationToken)
    {
        var pending = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.SentAt == null);
        var count = await pending.LongCountAsync(cancellationToken);
        var oldest = count == 0
            ? null
            : await pending.OrderBy(m => m.Id).Select(m => (DateTime?)m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return (count, oldest);
    }

    /// <summary>Deletes up to <paramref name="limit"/> rows sent before <paramref name="cutoff"/>.</summary>
    public static Task<int> DeleteSentAsync(DbContext db, DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        db.Set<OutboxMessage>().Where(m => m.SentAt != null && m.SentAt < cutoff).OrderBy(m => m.Id).Take(limit).ExecuteDeleteAsync(cancellationToken);
}

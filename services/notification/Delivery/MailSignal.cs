using System.Data.Common;
using EStore.Notification.Data;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace EStore.Notification.Delivery;

/// <summary>
/// Wakes the delivery worker once new mails are committed (the consumer commits them with the inbox row), so a mail
/// goes out at once instead of at the next poll. Process-wide: Program.cs adds the interceptor to the context's options.
/// </summary>
public static class MailSignal
{
    private static readonly SemaphoreSlim Signal = new(0, 1);

    internal static IInterceptor CommitInterceptor { get; } = new Interceptor();

    public static void Wake()
    {
        if (Signal.CurrentCount == 0)
        {
            try
            {
                Signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit woke it first.
            }
        }
    }

    /// <summary>Waits for a wake-up or the poll interval (on <paramref name="time"/>).</summary>
    public static async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, timer.Token);
        var woken = Signal.WaitAsync(timer.Token);
        await Task.WhenAny(delay, woken);
        // The loser is cancelled: a timed-out wait leaves the signal for the next one.
        await timer.CancelAsync();
        await Task.WhenAll(delay, woken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private sealed class Interceptor : DbTransactionInterceptor
    {
        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            WakeIfMail(eventData.Context);
            return Task.CompletedTask;
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => WakeIfMail(eventData.Context);

        private static void WakeIfMail(Microsoft.EntityFrameworkCore.DbContext? context)
        {
            if (context is NotificationDbContext { AddsMail: true } db)
            {
                db.AddsMail = false;
                Wake();
            }
        }
    }
}

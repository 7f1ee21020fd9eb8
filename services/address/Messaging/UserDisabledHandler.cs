using EStore.Address.Data;
using EStore.Address.Services;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EStore.Address.Messaging;

/// <summary>
/// The retention rule for disabled users (identity-service's <c>UserDisabled</c>, sent when an administrator disables
/// a user and when users deactivate themselves; identity publishes no deletion): their addresses are kept but not served
/// for <c>Addresses:DisabledRetentionDays</c>, then erased. <c>UserEnabled</c> (<see cref="UserEnabledHandler"/>) or a
/// token issued after the disabling lifts the hold.
/// </summary>
public sealed class UserDisabledHandler(AddressDbContext db, IOptions<AddressOptions> settings) : IEventHandler<UserDisabled>
{
    public async Task HandleAsync(UserDisabled @event, EventContext context, CancellationToken cancellationToken)
    {
        var retention = TimeSpan.FromDays(settings.Value.DisabledRetentionDays);
        var book = await db.Books.SingleOrDefaultAsync(b => b.UserId == @event.UserId, cancellationToken);
        if (book is null)
        {
            // Held even without addresses: a token from before the disabling must not start a new book.
            book = new AddressBook { UserId = @event.UserId };
            db.Books.Add(book);
        }
        if (book.DisabledAt is { } held && held >= @event.OccurredAt)
        {
            return;
        }
        book.DisabledAt = @event.OccurredAt;
        book.EraseAfter = @event.OccurredAt + retention;
        book.Version = Guid.NewGuid();
        if (retention == TimeSpan.Zero)
        {
            // No retention: erased now; the held book itself goes with the next sweep.
            await db.Addresses.Where(a => a.UserId == @event.UserId).ExecuteDeleteAsync(cancellationToken);
        }
    }
}

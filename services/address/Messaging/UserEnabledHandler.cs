using EStore.Address.Data;
using EStore.Contracts.Events;
using EStore.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace EStore.Address.Messaging;

/// <summary>
/// Lifts the retention hold of <see cref="UserDisabledHandler"/> when identity-service enables the user again, so a
/// user who does not sign in before the retention ends keeps their addresses. A hold from a later disabling stays.
/// </summary>
public sealed class UserEnabledHandler(AddressDbContext db) : IEventHandler<UserEnabled>
{
    public async Task HandleAsync(UserEnabled @event, EventContext context, CancellationToken cancellationToken) =>
        await db.Books.Where(b => b.UserId == @event.UserId && b.DisabledAt != null && b.DisabledAt <= @event.OccurredAt)
            .ExecuteUpdateAsync(s => s
                .SetProperty(b => b.DisabledAt, (DateTimeOffset?)null)
                .SetProperty(b => b.EraseAfter, (DateTimeOffset?)null)
                .SetProperty(b => b.Version, Guid.NewGuid()), cancellationToken);
}

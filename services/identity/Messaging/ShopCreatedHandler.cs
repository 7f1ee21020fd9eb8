using EStore.Contracts.Events;
using EStore.Identity.Services;
using EStore.Platform.Messaging;
using EStore.Platform.Security;

namespace EStore.Identity.Messaging;

/// <summary>A user who opened a shop becomes a <c>shop_owner</c>; their next login or refresh carries the role.</summary>
public sealed partial class ShopCreatedHandler(UserAdminService users, ILogger<ShopCreatedHandler> logger) : IEventHandler<ShopCreated>
{
    public async Task HandleAsync(ShopCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        // The consumer saves and commits together with the inbox row.
        if (await users.GrantAsync(@event.OwnerId, UserRoles.ShopOwner, cancellationToken))
        {
            LogGranted(@event.OwnerId, @event.ShopId);
        }
        else
        {
            LogIgnored(@event.OwnerId, @event.ShopId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} is now a shop owner (shop {ShopId})")]
    private partial void LogGranted(Guid userId, Guid shopId);

    [LoggerMessage(Level = LogLevel.Information, Message = "ShopCreated for shop {ShopId}: user {UserId} is unknown or already a shop owner")]
    private partial void LogIgnored(Guid userId, Guid shopId);
}

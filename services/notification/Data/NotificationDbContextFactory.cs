using EStore.Platform.Data;

namespace EStore.Notification.Data;

/// <summary>The design-time factory <c>build/add-migration.sh notification</c> uses.</summary>
public sealed class NotificationDbContextFactory : PostgresDesignTimeFactory<NotificationDbContext>;

using EStore.Notification.Data;

namespace EStore.Notification.Tests;

/// <summary>notification-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public sealed class NotificationStack() : ServiceStack<Program>("notification");

/// <summary>notification-service starts as the mesh runs it, before any domain code (the checks are the test kit's).</summary>
public sealed class ServiceStartTests(NotificationStack stack)
    : ServiceStartChecks<Program, NotificationDbContext>(stack, "notification-service", "/api/notifications"), IClassFixture<NotificationStack>;

using EStore.Notification.Data;
using EStore.Notification.Tests.Infrastructure;

namespace EStore.Notification.Tests;

/// <summary>notification-service starts as the mesh runs it (the checks are the test kit's), on a stack no other test feeds.</summary>
public sealed class ServiceStartTests(NotificationStack stack)
    : ServiceStartChecks<Program, NotificationDbContext>(stack, "notification-service", "/api/notifications"), IClassFixture<NotificationStack>;

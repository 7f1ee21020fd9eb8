using EStore.Notification.Delivery;
using EStore.Platform.Hosting;

namespace EStore.Notification.Services;

/// <summary>Registers notification-service's settings, templates, composer, SMTP sender and delivery worker.</summary>
public static class NotificationServiceExtensions
{
    public static IHostApplicationBuilder AddNotificationServices(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        builder.AddValidatedOptions<NotificationOptions>(NotificationOptions.Section);
        builder.AddValidatedOptions<AccountTokenKeyOptions>(AccountTokenKeyOptions.Section);
        // Read once, at start: a missing template stops the process instead of failing mails later.
        builder.Services.AddSingleton(_ => MailTemplates.Load(MailTemplates.DefaultDirectory));
        builder.Services.AddScoped<MailComposer>();
        builder.Services.AddScoped<NotificationService>();
        builder.Services.AddSingleton<SmtpMailer>();
        builder.Services.AddHostedService<MailDeliveryWorker>();
        return builder;
    }
}

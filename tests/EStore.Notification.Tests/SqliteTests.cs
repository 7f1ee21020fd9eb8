using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Notification.Tests.Infrastructure;

namespace EStore.Notification.Tests;

/// <summary>notification-service as <c>./estore up</c> runs it: a SQLite file, the schema from the model.</summary>
public sealed class SqliteNotificationStack : NotificationStack
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"notification-{Guid.NewGuid():N}.db");

    protected override void Configure(IDictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Database:Provider"] = "Sqlite";
        settings["ConnectionStrings:Default"] = $"Data Source={_file}";
    }

    protected override void AfterStop()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }
}

public sealed class SqliteTests(SqliteNotificationStack stack) : IClassFixture<SqliteNotificationStack>
{
    [Fact]
    public async Task On_SQLite_a_mail_waits_out_an_smtp_outage_and_is_sent_once()
    {
        await stack.Smtp.StopAsync();
        string email;
        try
        {
            Guid user;
            (user, email) = await stack.NewUserAsync();
            var welcome = new EmailVerified(user, email, "Ann Example") { OccurredAt = DateTimeOffset.UtcNow };
            await stack.PublishAsync(welcome, welcome);
            await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].LastError is not null, "a failed connect");
        }
        finally
        {
            stack.Smtp.Resume();
        }

        await stack.Smtp.WaitForAsync(email, "Welcome");
        var sent = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Single().Status == MailStatus.Sent, "the row marked sent");
        // The outage cost no attempt.
        Assert.Equal(1, sent[0].Attempts);
        Assert.Single(stack.Smtp.To(email));
    }
}

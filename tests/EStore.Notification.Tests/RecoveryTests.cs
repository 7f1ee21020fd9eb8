using System.Net;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Notification.Delivery;
using EStore.Notification.Tests.Infrastructure;

namespace EStore.Notification.Tests;

/// <summary>An SMTP server that is down or refuses: retries with backoff, delivery once it is back, failed after the last attempt, resend.</summary>
public sealed class RecoveryTests(NotificationStack stack) : IClassFixture<NotificationStack>
{
    [Fact]
    public async Task An_smtp_outage_longer_than_every_retry_fails_no_mail_and_delivers_it_once_the_server_is_back()
    {
        await stack.Smtp.StopAsync();
        string email;
        try
        {
            (_, email) = await stack.NewUserAsync();
            var user = (await stack.QueryAsync(db => Task.FromResult(db.Recipients.Single(r => r.Email == email)))).UserId;
            await stack.PublishAsync(new EmailVerified(user, email, "Ann Example") { OccurredAt = DateTimeOffset.UtcNow });
            var waiting = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].LastError is not null, "a failed connect");
            Assert.Equal(MailStatus.Pending, waiting[0].Status);
            Assert.StartsWith("connect:", waiting[0].LastError);
            // Longer than every retry of a mail (3 attempts, 1 s then 2 s apart): an outage spends none of them.
            await Task.Delay(TimeSpan.FromSeconds(5));
            waiting = await stack.MailsToAsync(email);
            Assert.Equal((MailStatus.Pending, 0), (waiting[0].Status, waiting[0].Attempts));
        }
        finally
        {
            stack.Smtp.Resume();
        }

        await stack.Smtp.WaitForAsync(email, "Welcome");
        var sent = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r[0].Status == MailStatus.Sent, "the row marked sent");
        Assert.Equal(1, sent[0].Attempts);
        Assert.Null(sent[0].LastError);
        // Later polls find nothing more to send.
        await Task.Delay(1500);
        Assert.Single(stack.Smtp.To(email));
    }

    [Fact]
    public async Task A_refusing_server_fails_the_mail_after_the_last_attempt_and_an_admin_resends_it()
    {
        stack.Smtp.Refusing = true;
        string email;
        Guid mailId;
        try
        {
            Guid user;
            (user, email) = await stack.NewUserAsync();
            await stack.PublishAsync(new EmailVerified(user, email, "Ann Example") { OccurredAt = DateTimeOffset.UtcNow });
            var failed = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].Status == MailStatus.Failed,
                "the mail failed", TimeSpan.FromSeconds(30), describe: r => string.Join(", ", r.Select(m => $"{m.Status}/{m.Attempts}")));
            Assert.Equal(NotificationStack.MaxAttempts, failed[0].Attempts);
            Assert.StartsWith("SMTP 554 (MessageNotAccepted)", failed[0].LastError);
            mailId = failed[0].Id;

            var listed = await stack.GetAsync($"/api/notifications/all?status=failed&to={Uri.EscapeDataString(email)}", stack.Admin);
            var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
            Assert.Equal((mailId, "failed", NotificationStack.MaxAttempts),
                (item.GetProperty("id").GetGuid(), item.GetProperty("status").GetString(), item.GetProperty("attempts").GetInt32()));
            // The server's own words are for administrators; the user sees that it failed, not what the relay said.
            Assert.StartsWith("SMTP 554", item.GetProperty("lastError").GetString());
            var own = Assert.Single((await stack.GetAsync("/api/notifications", stack.Customer(user))).GetProperty("items").EnumerateArray());
            Assert.Equal("failed", own.GetProperty("status").GetString());
            Assert.True(!own.TryGetProperty("lastError", out var error) || error.ValueKind == JsonValueKind.Null);
        }
        finally
        {
            stack.Smtp.Refusing = false;
        }
        Assert.Empty(stack.Smtp.To(email));

        using var resend = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{mailId}/resend", null, stack.Admin);
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);

        await stack.Smtp.WaitForAsync(email, "Welcome");
        var sent = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r[0].Status == MailStatus.Sent, "the resent row marked sent");
        Assert.Equal(1, sent[0].Attempts);
    }

    [Fact]
    public void Backoff_doubles_from_the_first_wait_up_to_the_longest_and_ends_after_the_last_attempt()
    {
        var schedule = new RetrySchedule(5, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

        Assert.Equal([10, 20, 40, 60, 60], Enumerable.Range(1, 5).Select(n => schedule.DelayAfter(n).TotalSeconds));
        Assert.False(schedule.IsExhausted(4));
        Assert.True(schedule.IsExhausted(5));
    }
}

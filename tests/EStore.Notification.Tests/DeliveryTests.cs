using System.Net;
using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Notification.Tests.Infrastructure;
using EStore.Platform.Messaging;
using EStore.Platform.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace EStore.Notification.Tests;

/// <summary>Account mails over a real SMTP conversation: headers, both bodies, the link with the opened token, one mail per event.</summary>
[Collection(NotificationCollection.Name)]
public sealed class DeliveryTests(NotificationStack stack)
{
    [Fact]
    public async Task Verification_mail_has_its_headers_both_bodies_and_a_link_with_the_opened_token()
    {
        var (user, email) = await stack.NewUserAsync("Zoë <Admin> & Co");
        const string token = "the-plain-verification-token_0123456789abcdefghijkl";
        var sealedToken = SealedToken.Seal(NotificationStack.Key, SealedToken.EmailVerificationPurpose, user, token);
        var expires = new DateTimeOffset(2030, 1, 2, 3, 4, 0, TimeSpan.Zero);

        await stack.PublishAsync(new EmailVerificationRequested(user, email, sealedToken, expires) { OccurredAt = DateTimeOffset.UtcNow });

        var mail = await stack.Smtp.WaitForAsync(email);
        Assert.Equal("Confirm your e-mail address for Test Store <&>", mail.Subject);
        Assert.Equal([new MailboxAddress("Test Store", "shop@store.test")], mail.From.Mailboxes);
        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal((email, "Zoë <Admin> & Co"), (to.Address, to.Name));
        var row = Assert.Single(await stack.MailsToAsync(email));
        Assert.Equal($"{row.Id:N}@store.test", mail.MessageId);

        var link = $"{NotificationStack.StoreUrl}/verify-email?token={token}";
        Assert.Contains(link, mail.TextBody);
        Assert.Contains("Hello Zoë <Admin> & Co,", mail.TextBody);
        Assert.Contains("2030-01-02 03:04 UTC", mail.TextBody);
        Assert.Contains($"<a href=\"{link}\">", mail.HtmlBody);
        // Values are encoded in the HTML body: the name and the store's name cannot add markup.
        Assert.Contains("Hello Zo&#235; &lt;Admin&gt; &amp; Co,", mail.HtmlBody);
        Assert.Contains("Test Store &lt;&amp;&gt;", mail.HtmlBody);
        Assert.DoesNotContain("<Admin>", mail.HtmlBody);
        Assert.Contains($"<a href=\"{NotificationStack.StoreUrl}\">", mail.HtmlBody);

        var sent = await Eventually.GetAsync(() => stack.MailsToAsync(email), rows => rows.Single().Status == MailStatus.Sent, "the row marked sent");
        Assert.Equal((1, user, "verify-email"), (sent[0].Attempts, sent[0].UserId, sent[0].Kind));
        Assert.StartsWith("queued as T", sent[0].ProviderMessageId);
        // At rest the token stays sealed.
        Assert.DoesNotContain(token, sent[0].Model);
        Assert.Contains(sealedToken, sent[0].Model);
    }

    [Fact]
    public async Task Password_reset_mail_links_to_the_reset_page_with_the_token()
    {
        var (user, email) = await stack.NewUserAsync();
        const string token = "reset-token-for-the-link_0123456789abcdefghijklmno";
        var sealedToken = SealedToken.Seal(NotificationStack.Key, SealedToken.PasswordResetPurpose, user, token);

        await stack.PublishAsync(new PasswordResetRequested(user, email, sealedToken, DateTimeOffset.UtcNow.AddHours(1)) { OccurredAt = DateTimeOffset.UtcNow });

        var mail = await stack.Smtp.WaitForAsync(email, "Reset your");
        Assert.Contains($"{NotificationStack.StoreUrl}/reset-password?token={token}", mail.TextBody);
        Assert.Contains($"href=\"{NotificationStack.StoreUrl}/reset-password?token={token}\"", mail.HtmlBody);
    }

    [Fact]
    public async Task A_token_sealed_for_another_user_is_not_sent_and_the_mail_fails()
    {
        var (user, email) = await stack.NewUserAsync();
        var stolen = SealedToken.Seal(NotificationStack.Key, SealedToken.EmailVerificationPurpose, Guid.NewGuid(), "someone-elses-token-0123456789abcdefghijklmnop");

        await stack.PublishAsync(new EmailVerificationRequested(user, email, stolen, DateTimeOffset.UtcNow.AddHours(1)) { OccurredAt = DateTimeOffset.UtcNow });

        var rows = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].Status == MailStatus.Failed,
            "the mail to fail", TimeSpan.FromSeconds(30), describe: r => string.Join(", ", r.Select(m => $"{m.Status}/{m.Attempts}")));
        // Opening it again would give the same answer: failed at the first attempt, not retried.
        Assert.Equal(1, rows[0].Attempts);
        Assert.Contains("sealed token does not open", rows[0].LastError);
        Assert.Empty(stack.Smtp.To(email));
    }

    [Fact]
    public async Task A_reset_link_that_expired_before_it_could_be_sent_is_not_sent_and_cannot_be_resent()
    {
        var (user, email) = await stack.NewUserAsync();
        var sealedToken = SealedToken.Seal(NotificationStack.Key, SealedToken.PasswordResetPurpose, user, "expired-token-0123456789abcdefghijklmnopqrstu");

        // As after a long SMTP outage: the link's hour is over by the time the mail could go.
        await stack.PublishAsync(new PasswordResetRequested(user, email, sealedToken, DateTimeOffset.UtcNow.AddMinutes(-1)) { OccurredAt = DateTimeOffset.UtcNow });

        var rows = await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].Status == MailStatus.Failed,
            "the mail to fail", TimeSpan.FromSeconds(30), describe: r => string.Join(", ", r.Select(m => $"{m.Status}/{m.Attempts}")));
        Assert.Equal(1, rows[0].Attempts);
        Assert.Contains("link expired", rows[0].LastError);
        using var resend = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{rows[0].Id}/resend", null, stack.Admin);
        var problem = await resend.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        Assert.Empty(stack.Smtp.To(email));
    }

    [Fact]
    public async Task Duplicate_event_sends_one_mail()
    {
        var (user, email) = await stack.NewUserAsync();
        var verification = new EmailVerified(user, email, "Ann Example") { OccurredAt = DateTimeOffset.UtcNow };

        await stack.PublishAsync(verification, verification);
        // A later event of the same user (same partition) is handled after both copies.
        var reset = SealedToken.Seal(NotificationStack.Key, SealedToken.PasswordResetPurpose, user, "later-token-0123456789abcdefghijklmnopqrstuvw");
        await stack.PublishAsync(new PasswordResetRequested(user, email, reset, DateTimeOffset.UtcNow.AddHours(1)) { OccurredAt = DateTimeOffset.UtcNow });
        await stack.Smtp.WaitForAsync(email, "Reset your");

        Assert.Single(stack.Smtp.To(email), m => (m.Subject ?? "").StartsWith("Welcome to", StringComparison.Ordinal));
        Assert.Single(await stack.MailsToAsync(email), m => m.Kind == "welcome");
        var handled = await stack.QueryAsync(db => db.Set<InboxMessage>().CountAsync(i => i.EventId == verification.EventId));
        Assert.Equal(1, handled);
    }
}

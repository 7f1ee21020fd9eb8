using System.Net;
using System.Text.Json;
using EStore.Contracts.Events;
using EStore.Notification.Data;
using EStore.Notification.Tests.Infrastructure;

namespace EStore.Notification.Tests;

/// <summary>Who may call what: own mails only, administrators list and resend; every endpoint needs a token.</summary>
[Collection(NotificationCollection.Name)]
public sealed class ApiTests(NotificationStack stack)
{
    [Theory]
    [InlineData("GET", "/api/notifications")]
    [InlineData("GET", "/api/notifications/preferences")]
    [InlineData("PUT", "/api/notifications/preferences")]
    [InlineData("GET", "/api/notifications/all")]
    [InlineData("POST", "/api/notifications/0190f3a5-0000-7000-8000-000000000001/resend")]
    public async Task Every_endpoint_needs_a_token(string method, string path)
    {
        using var response = await stack.SendAsync(new HttpMethod(method), path, method == "PUT" ? new { welcome = false } : null, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_user_lists_only_their_own_mails_newest_first_in_pages()
    {
        var (ann, annEmail) = await stack.NewUserAsync();
        var (bob, bobEmail) = await stack.NewUserAsync();
        var now = DateTimeOffset.UtcNow;
        await stack.PublishAsync(new EmailVerified(ann, annEmail, "Ann") { OccurredAt = now }, new EmailVerified(bob, bobEmail, "Bob") { OccurredAt = now });
        // The order's events are keyed by the order: only waiting makes its mail the newer one.
        await Eventually.TrueAsync(async () => (await stack.MailsToAsync(annEmail)).Count == 1, "the welcome");
        await stack.PublishAsync(new OrderConfirmed(Guid.NewGuid(), ann, null, Guid.NewGuid(), new Money(3m, "EUR")) { OccurredAt = now });
        await Eventually.TrueAsync(async () => (await stack.MailsToAsync(annEmail)).Count == 2 && (await stack.MailsToAsync(bobEmail)).Count == 1, "the three mails");

        var page1 = await stack.GetAsync("/api/notifications?size=1", stack.Customer(ann));
        var page2 = await stack.GetAsync("/api/notifications?size=1&page=2", stack.Customer(ann));

        Assert.Equal(2, page1.GetProperty("total").GetInt32());
        var items = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(["order-confirmed", "welcome"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.All(items, i => Assert.Equal(annEmail, i.GetProperty("to").GetString()));
        // No body leaves the service: a verification link would carry a token.
        Assert.All(items, i => Assert.False(i.TryGetProperty("html", out _) || i.TryGetProperty("model", out _)));
        var bobs = await stack.GetAsync("/api/notifications", stack.Customer(bob));
        Assert.Equal(["welcome"], bobs.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Only_administrators_list_every_mail_with_filters()
    {
        var (user, email) = await stack.NewUserAsync();
        await stack.PublishAsync(new EmailVerified(user, email, "Ann") { OccurredAt = DateTimeOffset.UtcNow });
        await Eventually.TrueAsync(async () => (await stack.MailsToAsync(email)).Count == 1, "the mail");

        using var asOwner = await stack.SendAsync(HttpMethod.Get, "/api/notifications/all", null, stack.Customer(user));
        await asOwner.AssertProblemAsync(HttpStatusCode.Forbidden);

        var byUser = await stack.GetAsync($"/api/notifications/all?userId={user}", stack.Admin);
        Assert.Equal([email], byUser.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("to").GetString()));
        var byAddress = await stack.GetAsync($"/api/notifications/all?to={Uri.EscapeDataString(email.ToUpperInvariant())}&kind=welcome", stack.Admin);
        Assert.Equal(1, byAddress.GetProperty("total").GetInt32());
        var otherKind = await stack.GetAsync($"/api/notifications/all?userId={user}&kind=order-placed", stack.Admin);
        Assert.Equal(0, otherKind.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("status=lost")]
    [InlineData("kind=spam")]
    [InlineData("page=0")]
    [InlineData("size=1000")]
    public async Task Bad_filters_are_refused(string query)
    {
        using var response = await stack.SendAsync(HttpMethod.Get, $"/api/notifications/all?{query}", null, stack.Admin);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_administrators_resend_and_only_a_mail_that_exists_and_is_not_pending()
    {
        var (user, email) = await stack.NewUserAsync();
        await stack.PublishAsync(new EmailVerified(user, email, "Ann") { OccurredAt = DateTimeOffset.UtcNow });
        await stack.Smtp.WaitForAsync(email, "Welcome");
        var mail = (await Eventually.GetAsync(() => stack.MailsToAsync(email), r => r.Count == 1 && r[0].Status == MailStatus.Sent, "sent")).Single();

        // Not even the mail's own recipient may resend it.
        using var asOwner = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{mail.Id}/resend", null, stack.Customer(user));
        await asOwner.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var unknown = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{Guid.NewGuid()}/resend", null, stack.Admin);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Single(stack.Smtp.To(email));

        using var resent = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{mail.Id}/resend", null, stack.Admin);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var body = JsonDocument.Parse(await resent.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("pending", body.GetProperty("status").GetString());
        await Eventually.TrueAsync(() => stack.Smtp.To(email).Count == 2, "the second copy");
    }

    [Fact]
    public async Task Resending_a_pending_mail_is_a_conflict()
    {
        var mail = new Mail
        {
            Id = Guid.CreateVersion7(),
            EventId = Guid.NewGuid(),
            Kind = "welcome",
            ToAddress = $"later-{Guid.NewGuid():N}@example.test",
            ToName = "Later",
            Subject = "Welcome",
            Model = "{}",
            Status = MailStatus.Pending,
            CreatedAt = DateTime.UtcNow,
            // Its next attempt is far off: it stays pending for the test.
            NextAttemptAt = DateTime.UtcNow.AddDays(1),
        };
        await stack.QueryAsync(db =>
        {
            db.Mails.Add(mail);
            return db.SaveChangesAsync();
        });

        using var response = await stack.SendAsync(HttpMethod.Post, $"/api/notifications/{mail.Id}/resend", null, stack.Admin);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
    }
}

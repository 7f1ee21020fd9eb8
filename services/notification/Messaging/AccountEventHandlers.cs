using EStore.Contracts.Events;
using EStore.Notification.Delivery;
using EStore.Notification.Services;
using EStore.Platform.Messaging;

namespace EStore.Notification.Messaging;

/// <summary>
/// <c>identity.events</c>: keeps the local copy of users' addresses and names, and mails the verification link, the
/// password-reset link and the welcome. The tokens stay sealed in the mail row; the worker opens them to send.
/// </summary>
public sealed class AccountEventHandlers(MailComposer mails)
    : IEventHandler<UserRegistered>, IEventHandler<EmailVerificationRequested>, IEventHandler<PasswordResetRequested>, IEventHandler<EmailVerified>
{
    public Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken) =>
        mails.RememberUserAsync(@event.UserId, @event.Email, @event.DisplayName, cancellationToken);

    public async Task HandleAsync(EmailVerificationRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        await mails.RememberUserAsync(@event.UserId, @event.Email, null, cancellationToken);
        await mails.ToUserAsync(context, MailKinds.VerifyEmail, @event.UserId, new()
        {
            [MailModel.SealedToken] = @event.SealedVerificationToken,
            [MailModel.LinkExpiresAt] = MailModel.Expiry(@event.ExpiresAt),
            ["expiresAt"] = MailComposer.Format(@event.ExpiresAt),
        }, cancellationToken, @event.Email);
    }

    public async Task HandleAsync(PasswordResetRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        await mails.RememberUserAsync(@event.UserId, @event.Email, null, cancellationToken);
        await mails.ToUserAsync(context, MailKinds.PasswordReset, @event.UserId, new()
        {
            [MailModel.SealedToken] = @event.SealedResetToken,
            [MailModel.LinkExpiresAt] = MailModel.Expiry(@event.ExpiresAt),
            ["expiresAt"] = MailComposer.Format(@event.ExpiresAt),
        }, cancellationToken, @event.Email);
    }

    public async Task HandleAsync(EmailVerified @event, EventContext context, CancellationToken cancellationToken)
    {
        await mails.RememberUserAsync(@event.UserId, @event.Email, @event.DisplayName, cancellationToken);
        await mails.ToUserAsync(context, MailKinds.Welcome, @event.UserId, [], cancellationToken, @event.Email);
    }
}

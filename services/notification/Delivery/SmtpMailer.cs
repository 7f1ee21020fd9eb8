using EStore.Notification.Data;
using EStore.Notification.Services;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace EStore.Notification.Delivery;

/// <summary>Sends over SMTP with MailKit: one connection per batch of mails (<see cref="OpenAsync"/>).</summary>
public sealed class SmtpMailer(IOptions<SmtpOptions> options)
{
    /// <summary>Connects (and logs in, when a user is set) to the configured server.</summary>
    public async Task<Session> OpenAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        try
        {
            // Validated at start (any case): anything but the two TLS modes is None.
            var security = smtp.Security.ToUpperInvariant() switch
            {
                "STARTTLS" => SecureSocketOptions.StartTls,
                "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrWhiteSpace(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }
            return new Session(client, MailboxAddress.Parse(smtp.From));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>An open SMTP connection.</summary>
    public sealed class Session(SmtpClient client, MailboxAddress from) : IAsyncDisposable
    {
        public bool IsConnected => client.IsConnected;

        /// <summary>Sends one mail; answers the server's reply to the message (its queue id, usually).</summary>
        public async Task<string> SendAsync(Mail mail, RenderedMail rendered, CancellationToken cancellationToken)
        {
            using var message = new MimeMessage
            {
                // Our id, so the mail can be found at the provider and a resend of the same row is recognisable.
                MessageId = $"{mail.Id:N}@{from.Domain}",
                Subject = rendered.Subject,
                Body = new BodyBuilder { HtmlBody = rendered.Html, TextBody = rendered.Text }.ToMessageBody(),
            };
            message.From.Add(from);
            message.To.Add(new MailboxAddress(mail.ToName, mail.ToAddress));
            return await client.SendAsync(message, cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is IOException or MailKit.ProtocolException or SmtpCommandException or OperationCanceledException)
            {
                // The mails are sent or recorded as failed already; a QUIT that fails changes nothing.
            }
            client.Dispose();
        }
    }
}

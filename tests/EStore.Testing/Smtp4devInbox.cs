using System.Net.Http.Json;
using System.Net.Mail;
using System.Text.Json;

namespace EStore.Testing;

/// <summary>
/// smtp4dev as a user meets it: a mail handed to its SMTP port (a real SMTP conversation), then found in its web
/// inbox's HTTP API (<c>GET /api/messages</c>, newest first).
/// </summary>
public static class Smtp4devInbox
{
    /// <summary>Sends one plain-text mail over SMTP (no TLS, no login, as to a local development server).</summary>
    public static async Task SendAsync(string host, int port, string from, string to, string subject, string body,
        CancellationToken cancellationToken = default)
    {
        using var client = new SmtpClient(host, port) { EnableSsl = false, DeliveryMethod = SmtpDeliveryMethod.Network, Timeout = 10_000 };
        using var message = new MailMessage(from, to, subject, body);
        await client.SendMailAsync(message, cancellationToken);
    }

    /// <summary>
    /// Waits until the inbox at <paramref name="inboxUrl"/> lists a mail with this subject and returns its summary
    /// (<c>from</c>, <c>to</c>, <c>subject</c>, <c>id</c>, ...).
    /// </summary>
    public static async Task<JsonElement> WaitForAsync(Uri inboxUrl, string subject, TimeSpan? timeout = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = inboxUrl };
        var found = await Eventually.GetAsync(
            async () => (await ListAsync(http)).FirstOrDefault(m => m.GetProperty("subject").GetString() == subject),
            m => m.ValueKind == JsonValueKind.Object, $"a mail '{subject}' in the inbox at {inboxUrl}", timeout,
            describe: _ => "not listed");
        return found;
    }

    /// <summary>The mails the inbox lists (its first page, newest first).</summary>
    public static async Task<IReadOnlyList<JsonElement>> ListAsync(Uri inboxUrl)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = inboxUrl };
        return await ListAsync(http);
    }

    private static async Task<IReadOnlyList<JsonElement>> ListAsync(HttpClient http)
    {
        var page = await http.GetFromJsonAsync<JsonElement>("api/messages?pageSize=50");
        return [.. page.GetProperty("results").EnumerateArray()];
    }
}

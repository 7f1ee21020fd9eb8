using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EStore.Notification.Tests.Infrastructure;

/// <summary>
/// A real SMTP server in this process (the SmtpServer package) on 127.0.0.1 at a fixed port: it keeps every message it
/// accepts, can refuse messages (<see cref="Refusing"/>: 554 to DATA), and can be stopped and started again on the same
/// port (an SMTP server that is down, then back).
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private SmtpServer.SmtpServer? _server;

    private TestSmtpServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>While true, every message is answered 554 (transaction failed) and not kept.</summary>
    public bool Refusing { get; set; }

    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    public static TestSmtpServer Start(int? port = null)
    {
        var server = new TestSmtpServer(port ?? FreePort.Next());
        server.Resume();
        return server;
    }

    /// <summary>Listens (again).</summary>
    public void Resume()
    {
        var options = new SmtpServerOptionsBuilder().ServerName("smtp.test")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _server = new SmtpServer.SmtpServer(options, services);
        _ = _server.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops listening: connections are refused until <see cref="Resume"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            server.Shutdown();
            await server.ShutdownTask;
        }
    }

    /// <summary>The messages to <paramref name="address"/> so far.</summary>
    public IReadOnlyList<MimeMessage> To(string address) =>
        [.. _messages.Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))];

    /// <summary>Waits for the first message to <paramref name="address"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<MimeMessage> WaitForAsync(string address, string subject = "", TimeSpan? timeout = null) =>
        (await Eventually.GetAsync(() => Task.FromResult(To(address).FirstOrDefault(m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal))),
            m => m is not null, $"a mail to {address} with '{subject}' in its subject", timeout,
            describe: _ => $"mails to it: [{string.Join("; ", To(address).Select(m => m.Subject))}]"))!;

    public async ValueTask DisposeAsync() => await StopAsync();

    private sealed class Store(TestSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (owner.Refusing)
            {
                return SmtpResponse.TransactionFailed;
            }
            using var stream = new MemoryStream(buffer.ToArray());
            owner._messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return new SmtpResponse(SmtpReplyCode.Ok, $"queued as T{owner._messages.Count}");
        }
    }
}

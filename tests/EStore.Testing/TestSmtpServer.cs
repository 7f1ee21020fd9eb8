using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EStore.Testing;

/// <summary>
/// A real SMTP server in this process (the SmtpServer package) on 127.0.0.1: it keeps every message it accepts, can
/// refuse messages (<see cref="Refusing"/>: 554 to DATA), and can be stopped and started again on the same port (an
/// SMTP server that is down, then back). Used by notification-service's tests and its benchmark.
/// </summary>
/// <remarks>
/// Its sockets send at once (TCP_NODELAY): with Nagle's algorithm the package's replies to a pipelined
/// MAIL/RCPT/DATA wait for the client's delayed ACK, about 40 ms per mail, which would make every test that sends
/// mail slow and bind any benchmark to that wait instead of to the sender.
/// </remarks>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private SmtpServer.SmtpServer? _server;

    private TestSmtpServer(int port) => Port = port;

    /// <summary>The port it listens on, the same across <see cref="StopAsync"/> and <see cref="Resume"/>.</summary>
    public int Port { get; }

    /// <summary>While true, every message is answered 554 (transaction failed) and not kept.</summary>
    public bool Refusing { get; set; }

    /// <summary>Every message accepted so far, in order.</summary>
    public IReadOnlyCollection<MimeMessage> Messages => _messages;

    /// <summary>Starts one on <paramref name="port"/>, or on a free port.</summary>
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
        services.Add(new NoDelayListenerFactory());
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

    /// <inheritdoc />
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

    // The package's own listener, but with TCP_NODELAY on each accepted socket (see the remarks above). No TLS: the
    // test server offers no certificate, so STARTTLS is never advertised and UpgradeAsync is never called.
    private sealed class NoDelayListenerFactory : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }
    }

    private sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            client.NoDelay = true;
            context.Properties[EndpointListener.LocalEndPointKey] = listener.LocalEndpoint;
            context.Properties[EndpointListener.RemoteEndPointKey] = client.Client.RemoteEndPoint!;
            return new Pipe(client);
        }

        public void Dispose() => listener.Stop();
    }

    private sealed class Pipe(TcpClient client) : ISecurableDuplexPipe
    {
        private readonly NetworkStream _stream = client.GetStream();

        public PipeReader Input => field ??= PipeReader.Create(_stream);

        public PipeWriter Output => field ??= PipeWriter.Create(_stream);

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the test SMTP server offers no TLS");

        public void Dispose()
        {
            _stream.Dispose();
            client.Dispose();
        }
    }
}

// The notification benchmark (bench/notification/run.sh runs it):
//   EStore.Notification.Bench --database-prefix CONNECTION_STRING_WITHOUT_DATABASE --database NAME --out FILE
//                             [--count 1000] [--rounds 3]
// Starts an SMTP server in this process (the test kit's TestSmtpServer: accepts and counts), then the broker, discovery, the gateway and
// notification-service (Release, PostgreSQL database NAME) pointed at it. Per round: (a) publishes COUNT EmailVerified
// events (each a welcome mail to a new user) and times from the first publish to the SMTP server's COUNT-th
// acceptance; (b) sends COUNT mails of the same size with a bare MailKit loop over one connection to the same server.
// Writes mails/s of both and their ratio to FILE. Bounded: every wait has a timeout.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using EStore.Testing;
using MailKit.Net.Smtp;
using MimeKit;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Number(string name, int fallback, int max) =>
    Option(name) is { } text ? Math.Clamp(int.Parse(text, CultureInfo.InvariantCulture), 1, max) : fallback;
var server = Option("--database-prefix");
var database = Option("--database");
var output = Option("--out");
if (string.IsNullOrWhiteSpace(server) || string.IsNullOrWhiteSpace(database) || string.IsNullOrWhiteSpace(output))
{
    Console.Error.WriteLine("usage: EStore.Notification.Bench --database-prefix CONNECTION_STRING --database NAME --out FILE [--count N] [--rounds N]");
    return 2;
}
var count = Number("--count", 1000, 20_000);
var rounds = Number("--rounds", 3, 10);
var limit = TimeSpan.FromSeconds(Math.Max(120, count / 10));

var sink = SmtpSink.Start();
var options = MeshBenchmarkHost.CreateOptions("notification");
options.SeedDemoData = false;
options.Apps = ["notification-service"];
options.Databases["notification-service"] = new MeshDatabase("Postgres", $"{server.TrimEnd(';')};Database={database}");
options.AppEnvironment["notification-service"] = new Dictionary<string, string?>
{
    ["Smtp__Host"] = "127.0.0.1",
    ["Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
    ["Notifications__BatchSize"] = "100",
};
using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(3));
await using var mesh = await MeshHost.StartAsync(options, startup.Token);
using var producer = new ProducerBuilder<string, string>(new ProducerConfig
{
    BootstrapServers = mesh.KafkaBootstrapServers,
    EnableIdempotence = true,
    LingerMs = 5,
}).Build();

Console.WriteLine("warm-up: 100 mails through the service, 100 through the bare loop");
await ServiceRoundAsync(100);
await BareRoundAsync(100);

var results = new List<(double Service, double Bare)>();
for (var round = 1; round <= rounds; round++)
{
    var service = await ServiceRoundAsync(count);
    var bare = await BareRoundAsync(count);
    results.Add((service, bare));
    Console.WriteLine($"round {round}: service {service:0.0} mails/s, bare MailKit {bare:0.0} mails/s, ratio {service / bare:0.00}");
}
await File.WriteAllTextAsync(output, Report(results));
Console.WriteLine($"wrote {output}");
await sink.StopAsync();
return 0;

// Event on the broker -> consumer -> mail row (with the inbox row) -> worker -> SMTP accepted.
async Task<double> ServiceRoundAsync(int mails)
{
    var before = sink.Accepted;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < mails; i++)
    {
        var user = Guid.NewGuid();
        var @event = new EmailVerified(user, $"bench-{user:N}@example.test", "Bench User") { OccurredAt = DateTimeOffset.UtcNow };
        producer.Produce(Topics.Identity, new Message<string, string>
        {
            Key = @event.AggregateKey,
            Value = EventJson.Serialize(@event),
            Headers = new Headers
            {
                { EventHeaders.EventType, Encoding.UTF8.GetBytes(nameof(EmailVerified)) },
                { EventHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
            },
        });
    }
    producer.Flush(limit);
    await sink.WaitForAsync(before + mails, limit);
    return mails / clock.Elapsed.TotalSeconds;
}

// The same number of mails of the same shape, one MailKit connection, one after another.
async Task<double> BareRoundAsync(int mails)
{
    var before = sink.Accepted;
    var clock = Stopwatch.StartNew();
    using var client = new SmtpClient();
    await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None);
    for (var i = 0; i < mails; i++)
    {
        using var message = new MimeMessage
        {
            Subject = "Welcome to EStore",
            Body = new BodyBuilder { TextBody = sink.LastText, HtmlBody = sink.LastHtml }.ToMessageBody(),
        };
        message.From.Add(new MailboxAddress("EStore", "no-reply@estore.local"));
        message.To.Add(new MailboxAddress("Bench User", $"bare-{i}@example.test"));
        await client.SendAsync(message);
    }
    await client.DisconnectAsync(true);
    await sink.WaitForAsync(before + mails, limit);
    return mails / clock.Elapsed.TotalSeconds;
}

string Report(List<(double Service, double Bare)> runs)
{
    var median = runs.OrderBy(r => r.Service / r.Bare).ElementAt(runs.Count / 2);
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
    var rows = string.Join('\n', runs.Select((r, i) => $"| {i + 1} | {r.Service:0.0} | {r.Bare:0.0} | {r.Service / r.Bare:0.00} |"));
    return $"""
        # Notification benchmark

        Generated by `bench/notification/run.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Loopback only.

        (a) notification-service (Release, its own PostgreSQL database) as a real process of a mesh (broker, discovery,
        gateway): {count} `EmailVerified` events published to `identity.events` at once; timed from the first publish
        until the SMTP server accepted the {count}th welcome mail. Each mail is a consumed event, a mail row written with
        the inbox row in one transaction, a claim, a render of the HTML and text templates, an SMTP transaction (one
        connection per batch of 100) and the row's update.
        (b) a bare MailKit loop in the benchmark process: {count} mails of the same bodies over one connection.
        Both send to the same SMTP server (the test kit's TestSmtpServer, on the SmtpServer package, in the benchmark
        process, accepting and counting; its sockets set TCP_NODELAY so that no reply waits for a delayed ACK).

        | Round | (a) service mails/s | (b) bare MailKit mails/s | a/b |
        |---|---|---|---|
        {rows}

        Median ratio a/b: **{median.Service / median.Bare:0.00}** (service {median.Service:0.0} mails/s, bare {median.Bare:0.0} mails/s).

        Machine: {Environment.ProcessorCount} cores ({cpu}), .NET {Environment.Version}; after a warm-up of 100 mails each.
        The mesh, PostgreSQL, the broker, the SMTP server and (on a shared development machine) other work share the same
        cores: compare ratios, not absolute figures.

        Reproduce: `bench/notification/run.sh` (optional: `COUNT=2000 ROUNDS=5 bench/notification/run.sh`).

        """;
}

/// <summary>
/// The test kit's SMTP server (TCP_NODELAY, so it answers at once) as the benchmark needs it: a count of accepted
/// messages, and the bodies of the service's last mail for the bare loop, so both send the same sizes.
/// </summary>
internal sealed class SmtpSink(TestSmtpServer server)
{
    public int Port => server.Port;

    public int Accepted => server.Messages.Count;

    public string LastText => Last()?.TextBody ?? "Hello,\n\nYour e-mail address is confirmed.";

    public string LastHtml => Last()?.HtmlBody ?? "<p>Your e-mail address is confirmed.</p>";

    public static SmtpSink Start() => new(TestSmtpServer.Start());

    public async Task WaitForAsync(int accepted, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Accepted < accepted)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"the SMTP server accepted {Accepted} of {accepted} mails within {timeout}");
            }
            await Task.Delay(5);
        }
    }

    public Task StopAsync() => server.StopAsync();

    private MimeMessage? Last() =>
        server.Messages.LastOrDefault(m => !m.To.Mailboxes.Any(b => b.Address.StartsWith("bare-", StringComparison.Ordinal)));
}

using System.Globalization;
using System.Runtime.InteropServices;
using EStore.Contracts;
using EStore.Launcher;
using EStore.Mesh;

// Exit codes: 0 stopped by a signal (or --help), 1 the mesh failed, 2 bad command line.
var parsed = MeshCommandLine.Parse(args);
if (!parsed.IsSuccess)
{
    Console.Error.WriteLine($"EStore.Launcher: {parsed.Error}");
    Console.Error.WriteLine(MeshCommandLine.Usage);
    return 2;
}

var launch = parsed.Arguments!;
if (launch.ShowHelp)
{
    Console.WriteLine(MeshCommandLine.Usage);
    return 0;
}

var console = new LogConsole(Console.Out, LogConsole.ShouldUseColour());
var stopSignal = new TaskCompletionSource<PosixSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
using var startup = new CancellationTokenSource();

void OnSignal(PosixSignalContext context)
{
    // Keep the runtime from terminating us: the children are stopped first, in order.
    context.Cancel = true;
    if (stopSignal.TrySetResult(context.Signal))
    {
        console.Progress($"{context.Signal} received, stopping");
        startup.Cancel();
    }
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

// Ctrl+C reaches the children as well (one process group): a child that exits from it a moment before our
// handler runs has not crashed.
async Task<bool> WasSignalledAsync() =>
    stopSignal.Task.IsCompleted || await Task.WhenAny(stopSignal.Task, Task.Delay(500)) == stopSignal.Task;

var options = launch.ToHostOptions();
options.OnOutput = console.Log;
options.OnProgress = console.Progress;
// Traces go to a local Zipkin when one listens on its usual port; nothing is configured otherwise.
options.ZipkinEndpoint = await LoopbackPort.IsListeningAsync(9411) ? "http://127.0.0.1:9411/api/v2/spans" : null;
if (options.ZipkinEndpoint is not null)
{
    console.Progress($"Zipkin found, traces go to {options.ZipkinEndpoint}");
}

// Mail goes to smtp4dev, started with the mesh, unless an SMTP server of the developer's own listens on 1025.
if (await MeshMailServer.ChooseAsync(options, MeshMailPorts.Fixed.Smtp) is { } ownSmtp)
{
    console.Progress($"an SMTP server listens on {ownSmtp.Host}:{ownSmtp.Port}: mail goes there, smtp4dev is not started");
}

MeshHost host;
try
{
    host = await MeshHost.StartAsync(options, startup.Token);
}
catch (Exception ex)
{
    if (await WasSignalledAsync())
    {
        console.Progress(ex is OperationCanceledException ? "stopped before the mesh was ready" : "stopped");
        return 0;
    }

    if (ex is not (MeshStartupException or ArgumentException or DirectoryNotFoundException or InvalidOperationException))
    {
        throw;
    }

    console.Error(ex.Message);
    return 1;
}

var exitCode = 0;
await using (host)
{
    // With restarts on (no --fail-fast), a crashed instance comes back: the table shows it with its restarts.
    host.InstanceRestarted += _ => PrintStatus(host);
    host.InstanceGivenUp += name => console.Error($"{name} keeps crashing at start and stays down; the rest of the mesh keeps serving (its log is above)");
    PrintStatus(host);
    if (await Task.WhenAny(stopSignal.Task, host.Failure) == host.Failure && !await WasSignalledAsync())
    {
        console.Error(host.Failure.Result.ToString());
        console.Progress("stopping the other processes");
        exitCode = 1;
    }
}

console.Progress(exitCode == 0 ? "all processes stopped" : "all processes stopped after a failure");
return exitCode;

void PrintStatus(MeshHost mesh)
{
    var rows = new List<(string Name, string Port, string Management, string Pid, string Status, string Restarts)>();
    if (mesh.Broker is { } broker)
    {
        var firstPort = mesh.KafkaBootstrapServers.Split(',')[0].Split(':')[^1];
        rows.Add(("broker", firstPort, "-", broker.Process.Pid.ToString(CultureInfo.InvariantCulture), "UP", "-"));
    }

    if (mesh.MailServer is { } mail)
    {
        rows.Add(("smtp4dev", mail.Ports.Smtp.ToString(CultureInfo.InvariantCulture), "-", mail.Process.Pid.ToString(CultureInfo.InvariantCulture), "UP", "-"));
    }

    if (mesh.PaymentSandbox is { } payments)
    {
        rows.Add(("payment-sandbox", payments.BaseUrl.Port.ToString(CultureInfo.InvariantCulture), "-", payments.Process.Pid.ToString(CultureInfo.InvariantCulture), "UP", "-"));
    }

    foreach (var instance in mesh.Instances)
    {
        // Metrics, prometheus, info and the gateway's routes answer on the management port only.
        var management = instance.ManagementUrl?.Port.ToString(CultureInfo.InvariantCulture) ?? "-";
        rows.Add((instance.Name, instance.Port.ToString(CultureInfo.InvariantCulture), management, instance.Pid.ToString(CultureInfo.InvariantCulture), "UP",
            instance.Restarts.ToString(CultureInfo.InvariantCulture)));
    }

    foreach (var name in mesh.GivenUp)
    {
        rows.Add((name, "-", "-", "-", "DOWN", "gave up"));
    }

    var nameWidth = Math.Max(4, rows.Max(r => r.Name.Length));
    console.Raw("");
    console.Highlight($"EStore is up. Gateway: {mesh.GatewayUrl}   (Kafka: {mesh.KafkaBootstrapServers}, discovery: {mesh.DiscoveryUrl})");
    console.Raw($"  {"NAME".PadRight(nameWidth)}  {"PORT",-6} {"MGMT",-6} {"PID",-8} {"STATUS",-6} RESTARTS");
    foreach (var (name, port, management, pid, status, restarts) in rows)
    {
        console.Raw($"  {name.PadRight(nameWidth)}  {port,-6} {management,-6} {pid,-8} {status,-6} {restarts}");
    }

    if (mesh.MailServer is { } inbox)
    {
        console.Raw($"  Mail inbox: {inbox.InboxUrl}   (SMTP {inbox.SmtpEndPoint.Host}:{inbox.Ports.Smtp}; IMAP {inbox.Ports.Imap}, POP3 {inbox.Ports.Pop3})");
    }
    else if (mesh.SmtpEndPoint is { } smtp)
    {
        console.Raw($"  Mail: the SMTP server already on {smtp.Host}:{smtp.Port} (not started by EStore)");
    }

    if (mesh.PaymentSandbox is { } sandbox)
    {
        // The key stays in the file (mode 0600), out of the console and its logs.
        console.Raw($"  Payment sandbox: {sandbox.BaseUrl}   (Stripe API, test mode; test cards in tools/EStore.PaymentSandbox/README.md; key in {Path.Combine(mesh.DataDirectory, MeshPaymentCredentials.FileName)})");
    }

    // Demo data is on (ToHostOptions): identity-service has seeded one verified login per role.
    if (options.SeedDemoData && mesh.GetInstances("identity-service").Count > 0)
    {
        var emailWidth = DemoAccounts.All.Max(a => a.Email.Length);
        console.Raw("  Demo logins (POST /api/auth/login; demo data only, never in production):");
        foreach (var (role, account) in new[] { ("admin", DemoAccounts.Admin), ("shop owner", DemoAccounts.ShopOwner), ("shopper", DemoAccounts.Shopper) })
        {
            var note = account == DemoAccounts.ShopOwner ? "   (owns Summit Outfitters)" : "";
            console.Raw($"    {role,-10}  {account.Email.PadRight(emailWidth)}  {account.Password}{note}");
        }
    }

    console.Raw("  Press Ctrl+C to stop.");
    console.Raw("");
}

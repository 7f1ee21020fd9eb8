using System.Runtime.InteropServices;
using EStore.Broker;

// Exit codes: 0 clean stop, 1 the cluster failed, 2 bad usage or librdkafka missing.
var options = BrokerOptions.Parse(args, out var error);
if (error is not null)
{
    Console.Error.WriteLine($"EStore.Broker: {error}");
    Console.Error.WriteLine(BrokerOptions.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(BrokerOptions.Usage);
    return 0;
}

MockKafkaCluster cluster;
try
{
    cluster = MockKafkaCluster.Start(options.Brokers);
}
catch (DllNotFoundException ex)
{
    // librdkafka.redist ships the native library next to this program (runtimes/<rid>/native).
    Console.Error.WriteLine($"EStore.Broker: librdkafka could not be loaded: {ex.Message}");
    return 2;
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"EStore.Broker: {ex.Message}");
    return 1;
}

using (cluster)
{
    try
    {
        foreach (var (name, partitions) in options.Topics)
        {
            cluster.CreateTopic(name, partitions ?? options.Partitions);
        }
    }
    catch (InvalidOperationException ex)
    {
        Console.Error.WriteLine($"EStore.Broker: {ex.Message}");
        return 1;
    }

    var stop = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    void OnSignal(PosixSignalContext context)
    {
        // Cancel the runtime's default termination so the cluster is destroyed and we exit 0.
        context.Cancel = true;
        stop.TrySetResult(context.Signal.ToString());
    }

    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

    // The one machine-readable line; parents wait for it, so it must not sit in a buffer.
    Console.Out.WriteLine($"BOOTSTRAP_SERVERS={cluster.BootstrapServers}");
    Console.Out.Flush();

    var topics = options.Topics.Count == 0
        ? "none pre-created"
        : string.Join(", ", options.Topics.Select(t => $"{t.Name}:{t.Partitions ?? options.Partitions}"));
    Console.Error.WriteLine(
        $"EStore.Broker: mock Kafka cluster with {cluster.BrokerCount} broker(s) on {cluster.BootstrapServers}; topics: {topics}");

    if (options.ExitOnStdinClose)
    {
        // A blocking read on a background thread: EOF means the parent closed the pipe or died.
        var watcher = new Thread(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            stop.TrySetResult("standard input closed");
        })
        { IsBackground = true, Name = "stdin-watch" };
        watcher.Start();
    }

    var reason = await stop.Task;
    Console.Error.WriteLine($"EStore.Broker: stopping ({reason})");
}

return 0;

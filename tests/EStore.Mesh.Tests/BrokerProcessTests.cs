using System.Text;
using Confluent.Kafka;

namespace EStore.Mesh.Tests;

public sealed class BrokerProcessTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Broker_process_round_trips_a_message_with_key_value_and_headers_through_a_consumer_group()
    {
        var options = new MeshBrokerOptions { Layout = RepositoryLayout.Discover() };
        options.Topics.Add("mesh.test.events:3");
        await using var broker = await MeshBroker.StartAsync(options).WaitAsync(Bounded);
        Assert.Matches(@"^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$", broker.BootstrapServers);

        var key = Guid.NewGuid().ToString();
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            MessageTimeoutMs = 15000,
        }).Build())
        {
            var headers = new Headers { { "event-type", Encoding.UTF8.GetBytes("OrderCreated") }, { "event-id", Encoding.UTF8.GetBytes(key) } };
            var delivery = await producer.ProduceAsync("mesh.test.events", new Message<string, string> { Key = key, Value = "{\"total\":42}", Headers = headers })
                .WaitAsync(Bounded);
            Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        }

        // A separate client instance in its own consumer group, as a service in another process would be.
        using var consumer = TopicReader.Subscribe(broker.BootstrapServers, "mesh.test.events");
        try
        {
            var result = TopicReader.ConsumeUntil(consumer, r => r.Message.Key == key, Bounded);
            Assert.NotNull(result);
            Assert.Equal("{\"total\":42}", result.Message.Value);
            Assert.Equal("OrderCreated", Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes("event-type")));
            Assert.Equal(key, Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes("event-id")));
            consumer.Commit(result);
            Assert.Contains(consumer.Committed(Bounded), c => c.TopicPartition == result.TopicPartition && c.Offset == result.Offset + 1);
        }
        finally
        {
            consumer.Close();
        }

        // The broker stays healthy throughout and stops cleanly.
        Assert.False(broker.Process.HasExited);
        Assert.Equal(0, await broker.Process.StopAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Broker_started_by_MeshBroker_stops_when_its_standard_input_closes()
    {
        await using var broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = RepositoryLayout.Discover() }).WaitAsync(Bounded);

        // What happens when the parent dies: the pipe closes and the broker must not be left behind.
        broker.Process.CloseStandardInput();

        Assert.Equal(0, await broker.Process.Exited.WaitAsync(Bounded));
    }

    [Fact]
    public async Task Broker_process_runs_on_the_librdkafka_of_its_NuGet_package_not_a_system_library()
    {
        var layout = RepositoryLayout.Discover();
        var dll = layout.FindDll(ServiceCatalog.BrokerProjectName);
        Assert.NotNull(dll);
        await using var broker = await MeshBroker.StartAsync(new MeshBrokerOptions { Layout = layout }).WaitAsync(Bounded);

        // What the process really mapped: Debian's librdkafka.so.1 must not be needed, or loaded by chance.
        var mapped = (await File.ReadAllLinesAsync($"/proc/{broker.Process.Pid}/maps"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("rdkafka", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();
        var native = Path.Combine(Path.GetDirectoryName(dll)!, "runtimes", "linux-x64", "native") + Path.DirectorySeparatorChar;
        Assert.NotEmpty(mapped);
        Assert.All(mapped, path => Assert.StartsWith(native, path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broker_process_exits_with_2_and_usage_on_a_bad_option()
    {
        var dll = RepositoryLayout.Discover().FindDll(ServiceCatalog.BrokerProjectName);
        Assert.NotNull(dll);
        await using var process = ManagedProcess.Start(ManagedProcessStartInfo.ForDotnet("broker", dll, "--brokers", "zero"));

        Assert.Equal(2, await process.Exited.WaitAsync(Bounded));
        Assert.Contains(process.GetRecentLines(50), l => l.Contains("--brokers must be a whole number", StringComparison.Ordinal));
    }
}

using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using EStore.Contracts;
using EStore.Contracts.Events;
using EStore.Mesh;
using Xunit.Abstractions;

namespace EStore.Messaging.Tests.Infrastructure;

/// <summary>Broker processes and plain Confluent.Kafka clients for arranging and checking tests.</summary>
public static partial class TestKafka
{
    public static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts a broker process. The mock cluster cannot create topics through the admin API (it
    /// auto-creates them with 4 partitions), so the ledger-service's topics are created up front
    /// with 6 partitions, as <c>Kafka:Partitions</c> would on a real cluster.
    /// </summary>
    public static Task<MeshBroker> StartBrokerAsync(ITestOutputHelper? output, bool createTopics = true)
    {
        var options = new MeshBrokerOptions
        {
            Layout = RepositoryLayout.Discover(),
            OnOutput = line => TestOutputLoggerProvider.Write(output, $"[broker] {line.Text}"),
        };
        if (createTopics)
        {
            foreach (var topic in new[] { LedgerApp.Topic, Topics.Order })
            {
                options.Topics.Add($"{topic}:6");
                options.Topics.Add($"{Topics.DeadLetterOf(topic)}:6");
            }
        }
        return MeshBroker.StartAsync(options).WaitAsync(Bounded);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static string DeadBootstrapServers() => $"127.0.0.1:{FreePort.Next()}";

    /// <summary>Freezes (SIGSTOP) or resumes (SIGCONT) a process: a broker that stops answering on the same port.</summary>
    public static void Signal(int pid, bool stop)
    {
        const int SigStop = 19;
        const int SigCont = 18;
        if (Kill(pid, stop ? SigStop : SigCont) != 0)
        {
            throw new InvalidOperationException($"kill({pid}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static Message<string, string> Message(IIntegrationEvent @event, EventTypeRegistry registry, string? eventType = null, string? payload = null) => new()
    {
        Key = @event.AggregateKey,
        Value = payload ?? EventJson.Serialize(@event),
        Headers = new Headers
        {
            { EventHeaders.EventType, Encoding.UTF8.GetBytes(eventType ?? registry.Get(@event.GetType()).Name) },
            { EventHeaders.EventId, Encoding.UTF8.GetBytes(@event.EventId.ToString()) },
        },
    };

    public static async Task ProduceAsync(string bootstrapServers, string topic, params Message<string, string>[] messages)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = 15000,
        }).Build();
        foreach (var message in messages)
        {
            await producer.ProduceAsync(topic, message).WaitAsync(Bounded);
        }
    }

    /// <summary>Reads a topic from the beginning (in a fresh group) until <paramref name="expected"/> messages arrived.</summary>
    public static List<ConsumeResult<string, string>> ReadTopic(string bootstrapServers, string topic, int expected, TimeSpan? timeout = null) =>
        TopicReader.Read(bootstrapServers, topic, expected, timeout ?? Bounded);

    /// <summary>The group's committed offsets for every partition of <paramref name="topic"/> (without joining the group).</summary>
    public static Dictionary<int, long> Committed(string bootstrapServers, string group, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = group }).Build();
        return consumer.Committed(partitions, TimeSpan.FromSeconds(10)).ToDictionary(c => c.Partition.Value, c => Math.Max(0, c.Offset.Value));
    }

    public static string Text(this Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new KeyNotFoundException(name);
}

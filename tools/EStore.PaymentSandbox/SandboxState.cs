using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EStore.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.PaymentSandbox;

/// <summary>What the ledger keeps, as it is written to the state file.</summary>
internal sealed record LedgerState(
    List<Customer> Customers, List<PaymentMethod> PaymentMethods, List<PaymentIntent> PaymentIntents, List<Charge> Charges, List<Refund> Refunds);

/// <summary>One kept idempotent answer, as it is written to the state file.</summary>
internal sealed record KeptAnswer(string Key, string Endpoint, string Fingerprint, DateTimeOffset At, StripeReply Reply);

/// <summary>
/// The sandbox's state file, <c>{Sandbox:DataDirectory}/payment-sandbox-state.json</c>: everything the ledger holds and the
/// kept idempotent answers, so a saved card, a charge and an idempotency key outlive a restart. Without a directory
/// there is no file and the state lives in memory only (as tests use it). Each write goes to a temporary file that is
/// flushed to disk and then renamed over the old one, so a crash mid-write leaves the previous state whole.
/// </summary>
internal sealed class SandboxStateFile
{
    /// <summary>The file's name in the data directory.</summary>
    public const string FileName = "payment-sandbox-state.json";

    private const int Version = 1;

    /// <summary>Stripe's names, and the sandbox-only members too (unlike <see cref="StripeReply.Json"/>).</summary>
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();
    private readonly JsonObject? _loaded;

    public SandboxStateFile(IOptions<SandboxOptions> options)
    {
        if (options.Value.DataDirectory is not { Length: > 0 } directory)
        {
            return;
        }
        Path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            if (File.Exists(Path))
            {
                _loaded = JsonNode.Parse(File.ReadAllText(Path)) as JsonObject;
                if (_loaded?["version"]?.GetValue<int>() != Version)
                {
                    throw new JsonException($"not a version {Version} state file");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            throw new StartupConfigurationException("Sandbox:DataDirectory", $"its state file {Path} cannot be read ({ex.Message}); move it away to start empty.");
        }
    }

    /// <summary>The file, or null when the state lives in memory only.</summary>
    public string? Path { get; }

    /// <summary>The ledger as it was last written; null for a fresh start.</summary>
    public LedgerState? LoadedLedger => _loaded?["ledger"]?.Deserialize<LedgerState>(Json);

    /// <summary>The kept answers as they were last written; empty for a fresh start.</summary>
    public List<KeptAnswer> LoadedAnswers => _loaded?["idempotency"]?.Deserialize<List<KeptAnswer>>(Json) ?? [];

    /// <summary>A value as the state file writes it (taken under the owner's lock, so it is a consistent snapshot).</summary>
    public static JsonNode Snapshot<T>(T value) => JsonSerializer.SerializeToNode(value, Json)!;

    /// <summary>Writes the whole state: to a temporary file, flushed to disk, then renamed over the old one.</summary>
    public void Write(JsonNode ledger, JsonNode answers)
    {
        if (Path is null)
        {
            return;
        }
        var state = new JsonObject { ["version"] = Version, ["ledger"] = ledger, ["idempotency"] = answers };
        lock (_gate)
        {
            var temp = Path + ".tmp";
            var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Customers' e-mails and metadata: readable by the owner only.
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, create))
            {
                using (var writer = new Utf8JsonWriter(stream))
                {
                    state.WriteTo(writer);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
        }
    }
}

/// <summary>
/// Writes the ledger and the kept idempotent answers to the state file after every change: each POST that ran (before
/// its answer is sent, so what a caller saw is on disk) and each late settlement.
/// </summary>
internal sealed class SandboxPersistence
{
    private readonly SandboxLedger _ledger;
    private readonly IdempotencyKeys _keys;
    private readonly SandboxStateFile _file;
    private readonly Lock _gate = new();

    public SandboxPersistence(SandboxLedger ledger, IdempotencyKeys keys, SandboxStateFile file)
    {
        _ledger = ledger;
        _keys = keys;
        _file = file;
        ledger.Changed = Save;
    }

    public void Save()
    {
        if (_file.Path is null)
        {
            return;
        }
        // One writer at a time, each with snapshots taken after the previous write: the last write is the newest state.
        lock (_gate)
        {
            _file.Write(_ledger.Export(), _keys.Export());
        }
    }
}

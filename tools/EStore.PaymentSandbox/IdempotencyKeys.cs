namespace EStore.PaymentSandbox;

/// <summary>
/// Stripe's idempotency rules: the first answer under a key is kept for 24 hours and given again (with
/// <c>Idempotent-Replayed: true</c>) to a request with the same endpoint and parameters; other parameters under the key
/// are an <c>idempotency_error</c> (400), and so is a second request while the first still runs (409). As at Stripe,
/// only requests that began executing are kept: a request refused by validation may be sent again under its key.
/// </summary>
internal sealed class IdempotencyKeys
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    public IdempotencyKeys(TimeProvider time, SandboxStateFile stateFile)
    {
        _time = time;
        foreach (var kept in stateFile.LoadedAnswers)
        {
            _entries[kept.Key] = new Entry(kept.Endpoint, kept.Fingerprint, kept.At, kept.Reply);
        }
    }

    /// <summary>The kept answers, for the state file; a request still running is not kept (it may run again after a restart).</summary>
    public System.Text.Json.Nodes.JsonNode Export()
    {
        lock (_gate)
        {
            return SandboxStateFile.Snapshot(_entries.Where(e => e.Value.Reply is not null)
                .Select(e => new KeptAnswer(e.Key, e.Value.Endpoint, e.Value.Fingerprint, e.Value.At, e.Value.Reply!)).ToList());
        }
    }

    /// <summary>What to do with a request under <paramref name="key"/>: run it (null), or answer this instead.</summary>
    /// <param name="key">The Idempotency-Key header.</param>
    /// <param name="endpoint">Method and path, e.g. <c>POST /v1/payment_intents</c>.</param>
    /// <param name="fingerprint">The keyed hash of the parameters (<see cref="StripeParams.Fingerprint"/>).</param>
    /// <param name="replayed">True when the answer is the stored one.</param>
    public StripeReply? Begin(string key, string endpoint, string fingerprint, out bool replayed)
    {
        replayed = false;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            foreach (var stale in _entries.Where(e => e.Value.Reply is not null && now - e.Value.At > Retention).Select(e => e.Key).ToList())
            {
                _entries.Remove(stale);
            }
            if (!_entries.TryGetValue(key, out var entry))
            {
                _entries[key] = new Entry(endpoint, fingerprint, now);
                return null;
            }
            if (entry.Endpoint != endpoint)
            {
                return Error(400, $"Keys for idempotent requests can only be used for the same endpoint they were first used for ('{entry.Endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to execute a different request.");
            }
            if (entry.Fingerprint != fingerprint)
            {
                return Error(400, $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request.");
            }
            replayed = entry.Reply is not null;
            return entry.Reply ?? Error(409, "There is currently another in-progress request using this Idempotency-Key. Please try again later.");
        }
    }

    /// <summary>Keeps the answer of a request that ran, or forgets the key when <paramref name="reply"/> is null.</summary>
    public void Complete(string key, StripeReply? reply)
    {
        lock (_gate)
        {
            if (reply is null)
            {
                _entries.Remove(key);
            }
            else if (_entries.TryGetValue(key, out var entry))
            {
                _entries[key] = entry with { Reply = reply, At = _time.GetUtcNow() };
            }
        }
    }

    private static StripeReply Error(int status, string message) => StripeReply.Error(status, new StripeError("idempotency_error", message));

    private sealed record Entry(string Endpoint, string Fingerprint, DateTimeOffset At, StripeReply? Reply = null);
}

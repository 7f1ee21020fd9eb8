using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EStore.PaymentSandbox;

/// <summary>What a caller asked a PaymentIntent to be (<c>POST /v1/payment_intents</c>), checked and parsed.</summary>
internal sealed record IntentRequest(
    long Amount, string Currency, string? Customer, string? PaymentMethod, bool Confirm, bool OffSession,
    Dictionary<string, string> Metadata, string? Description, string ApiVersion, string? IdempotencyKey);

/// <summary>
/// Everything the sandbox holds, in memory (and in its state file, <see cref="SandboxPersistence"/>): customers, payment methods, PaymentIntents, charges and refunds. One lock
/// guards them all; JSON answers are snapshots taken under it. Card numbers are never kept: a payment method holds
/// brand, last four digits, expiry, a keyed fingerprint and the test card's outcome.
/// </summary>
internal sealed class SandboxLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Customer> _customers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaymentMethod> _paymentMethods = new(StringComparer.Ordinal);
    private readonly List<PaymentIntent> _intents = [];
    private readonly Dictionary<string, Charge> _charges = new(StringComparer.Ordinal);
    private readonly List<Charge> _chargeLog = [];
    private readonly List<IntentRequest> _inFlight = [];
    private readonly Dictionary<string, Refund> _refunds = new(StringComparer.Ordinal);
    private readonly byte[] _fingerprintKey;
    private readonly TimeProvider _time;
    private readonly WebhookDispatcher _webhooks;
    private readonly IOptions<SandboxOptions> _options;
    private readonly CancellationToken _stopping;

    public SandboxLedger(IOptions<SandboxOptions> options, TimeProvider time, WebhookDispatcher webhooks, IHostApplicationLifetime lifetime,
        SandboxStateFile stateFile)
    {
        _options = options;
        _time = time;
        _webhooks = webhooks;
        _stopping = lifetime.ApplicationStopping;
        // Stable for one API key, so the same number gives the same fingerprint across restarts.
        _fingerprintKey = SHA256.HashData(Encoding.UTF8.GetBytes("card-fingerprint:" + options.Value.ApiKey));
        if (stateFile.LoadedLedger is { } saved)
        {
            Import(saved);
        }
    }

    /// <summary>Called after a change that no request made (a late settlement), so it reaches the state file.</summary>
    public Action? Changed { get; set; }

    /// <summary>Everything held, as the state file keeps it (a snapshot taken under the lock).</summary>
    public System.Text.Json.Nodes.JsonNode Export()
    {
        lock (_gate)
        {
            return SandboxStateFile.Snapshot(new LedgerState([.. _customers.Values], [.. _paymentMethods.Values], _intents, _chargeLog, [.. _refunds.Values]));
        }
    }

    private void Import(LedgerState saved)
    {
        foreach (var customer in saved.Customers)
        {
            _customers[customer.Id] = customer;
        }
        foreach (var method in saved.PaymentMethods)
        {
            _paymentMethods[method.Id] = method;
        }
        _intents.AddRange(saved.PaymentIntents);
        _chargeLog.AddRange(saved.Charges);
        foreach (var charge in saved.Charges)
        {
            _charges[charge.Id] = charge;
        }
        foreach (var refund in saved.Refunds)
        {
            _refunds[refund.Id] = refund;
        }
        // A charge that was settling when the sandbox stopped settles now, as it would have.
        foreach (var intent in _intents.Where(i => i.Status == "processing" && i.LatestCharge is not null))
        {
            _ = SettleLaterAsync(intent, _charges[intent.LatestCharge!]);
        }
    }

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    public StripeReply CreateCustomer(string? email, string? name, string? description, Dictionary<string, string> metadata)
    {
        var customer = new Customer(StripeIds.New("cus"), Now) { Email = email, Name = name, Description = description, Metadata = metadata };
        lock (_gate)
        {
            _customers[customer.Id] = customer;
            return StripeReply.Ok(customer);
        }
    }

    public StripeReply GetCustomer(string id)
    {
        lock (_gate)
        {
            return _customers.TryGetValue(id, out var customer) ? StripeReply.Ok(customer) : StripeReply.NoSuch("customer", id);
        }
    }

    /// <summary>Tokenises a card: checks it as Stripe does (a 402 <c>card_error</c> for a bad number, expiry or CVC).</summary>
    public StripeReply CreatePaymentMethod(string number, long expMonth, long expYear, string? cvc, BillingDetails billing, Dictionary<string, string> metadata)
    {
        var digits = number.Replace(" ", "", StringComparison.Ordinal);
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            return CardError("invalid_number", "Your card number is not a valid credit card number.", "card[number]");
        }
        if (!TestCards.PassesLuhn(digits))
        {
            return CardError("incorrect_number", "Your card number is incorrect.", "card[number]");
        }
        if (expMonth is < 1 or > 12)
        {
            return CardError("invalid_expiry_month", "Your card's expiration month is invalid.", "card[exp_month]");
        }
        var today = _time.GetUtcNow();
        var year = expYear < 100 ? expYear + 2000 : expYear;
        if (year < today.Year || (year == today.Year && expMonth < today.Month) || year > today.Year + 50)
        {
            return CardError("invalid_expiry_year", "Your card's expiration year is invalid.", "card[exp_year]");
        }
        if (cvc is not null && (cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit)))
        {
            return CardError("invalid_cvc", "Your card's security code is invalid.", "card[cvc]");
        }

        var card = new Card(TestCards.BrandOf(digits), digits[^4..], expMonth, year, Fingerprint(digits));
        var method = new PaymentMethod(StripeIds.New("pm"), Now, card, TestCards.OutcomeOf(digits)) { BillingDetails = billing, Metadata = metadata };
        lock (_gate)
        {
            _paymentMethods[method.Id] = method;
            return StripeReply.Ok(method);
        }
    }

    public StripeReply GetPaymentMethod(string id)
    {
        lock (_gate)
        {
            return _paymentMethods.TryGetValue(id, out var method) ? StripeReply.Ok(method) : StripeReply.NoSuch("PaymentMethod", id);
        }
    }

    public StripeReply Attach(string id, string customerId)
    {
        lock (_gate)
        {
            if (!_paymentMethods.TryGetValue(id, out var method))
            {
                return StripeReply.NoSuch("PaymentMethod", id);
            }
            if (!_customers.ContainsKey(customerId))
            {
                return StripeReply.Invalid($"No such customer: '{customerId}'", "customer", "resource_missing");
            }
            if (method.Customer is { } owner && owner != customerId)
            {
                return StripeReply.Invalid("The payment method you provided has already been attached to a customer.", null, "payment_method_unexpected_state");
            }
            if (method.Consumed)
            {
                return StripeReply.Invalid("This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.", null, "payment_method_unexpected_state");
            }
            method.Customer = customerId;
            return StripeReply.Ok(method);
        }
    }

    public StripeReply Detach(string id)
    {
        lock (_gate)
        {
            if (!_paymentMethods.TryGetValue(id, out var method))
            {
                return StripeReply.NoSuch("PaymentMethod", id);
            }
            if (method.Customer is null)
            {
                return StripeReply.Invalid("The payment method you provided is not attached to a customer so detachment is impossible.", null, "payment_method_unexpected_state");
            }
            // A detached method cannot be used again, as at Stripe.
            method.Customer = null;
            method.Consumed = true;
            return StripeReply.Ok(method);
        }
    }

    /// <summary>The checks of a PaymentIntent request that need state; null when it may go ahead.</summary>
    public StripeReply? Check(IntentRequest request, out ChargeBehaviour? behaviour)
    {
        lock (_gate)
        {
            return CheckLocked(request, out behaviour);
        }
    }

    /// <summary>Creates the PaymentIntent and, with <c>confirm=true</c>, charges its payment method at once.</summary>
    public StripeReply CreatePaymentIntent(IntentRequest request)
    {
        lock (_gate)
        {
            if (CheckLocked(request, out _) is { } refused)
            {
                return refused;
            }
            var intent = new PaymentIntent(StripeIds.New("pi"), Now)
            {
                Amount = request.Amount,
                Currency = request.Currency,
                Customer = request.Customer,
                PaymentMethod = request.PaymentMethod,
                Description = request.Description,
                Metadata = request.Metadata,
                Status = request.PaymentMethod is null ? "requires_payment_method" : "requires_confirmation",
                ApiVersion = request.ApiVersion,
                IdempotencyKey = request.IdempotencyKey,
            };
            _intents.Add(intent);
            return request.Confirm ? ConfirmLocked(intent) : StripeReply.Ok(intent);
        }
    }

    public StripeReply GetPaymentIntent(string id)
    {
        lock (_gate)
        {
            return _intents.Find(i => i.Id == id) is { } intent ? StripeReply.Ok(intent) : StripeReply.NoSuch("payment_intent", id);
        }
    }

    /// <summary>Newest first, as Stripe lists.</summary>
    public StripeReply ListPaymentIntents(int limit, string? customer, string? startingAfter)
    {
        lock (_gate)
        {
            var newestFirst = Enumerable.Reverse(_intents).Where(i => customer is null || i.Customer == customer).ToList();
            if (startingAfter is not null)
            {
                var at = newestFirst.FindIndex(i => i.Id == startingAfter);
                if (at < 0)
                {
                    return StripeReply.Invalid($"No such payment_intent: '{startingAfter}'", "starting_after", "resource_missing");
                }
                newestFirst = newestFirst[(at + 1)..];
            }
            var page = newestFirst.Take(limit).Select(StripeReply.ToNode).ToList();
            return StripeReply.Ok(new StripeList("list", "/v1/payment_intents", page, newestFirst.Count > limit));
        }
    }

    public StripeReply SearchPaymentIntents(Func<PaymentIntent, bool> matches, int limit)
    {
        lock (_gate)
        {
            var found = Enumerable.Reverse(_intents).Where(matches).ToList();
            var page = found.Take(limit).Select(StripeReply.ToNode).ToList();
            return StripeReply.Ok(new StripeList("search_result", "/v1/payment_intents/search", page, found.Count > limit));
        }
    }

    public StripeReply GetCharge(string id)
    {
        lock (_gate)
        {
            return _charges.TryGetValue(id, out var charge) ? StripeReply.Ok(charge) : StripeReply.NoSuch("charge", id);
        }
    }

    /// <summary>Refunds a succeeded charge in full or in part; never more than is left of it.</summary>
    public StripeReply CreateRefund(string? paymentIntentId, string? chargeId, long? amount, string? reason, Dictionary<string, string> metadata, string? idempotencyKey)
    {
        lock (_gate)
        {
            Charge? charge;
            PaymentIntent? intent;
            if (paymentIntentId is not null)
            {
                intent = _intents.Find(i => i.Id == paymentIntentId);
                if (intent is null)
                {
                    return StripeReply.Invalid($"No such payment_intent: '{paymentIntentId}'", "payment_intent", "resource_missing");
                }
                charge = intent.LatestCharge is { } latest ? _charges[latest] : null;
                if (charge?.Status != "succeeded")
                {
                    return StripeReply.Invalid($"This PaymentIntent ({intent.Id}) does not have a successful charge to refund.", "payment_intent");
                }
            }
            else
            {
                if (!_charges.TryGetValue(chargeId!, out charge))
                {
                    return StripeReply.Invalid($"No such charge: '{chargeId}'", "charge", "resource_missing");
                }
                intent = _intents.Find(i => i.Id == charge.PaymentIntent)!;
                if (charge.Status != "succeeded")
                {
                    return StripeReply.Invalid($"Charge {charge.Id} has not succeeded and cannot be refunded.", "charge");
                }
            }

            var left = charge.AmountCaptured - charge.AmountRefunded;
            if (left == 0)
            {
                return StripeReply.Invalid($"Charge {charge.Id} has already been refunded.", null, "charge_already_refunded");
            }
            var refunding = amount ?? left;
            if (refunding > left)
            {
                return StripeReply.Invalid(
                    $"Refund amount ({refunding} {charge.Currency}) is greater than unrefunded amount on charge ({left} {charge.Currency})",
                    "amount", "amount_too_large");
            }

            var refund = new Refund(StripeIds.New("re"), Now)
            {
                Amount = refunding,
                Charge = charge.Id,
                Currency = charge.Currency,
                PaymentIntent = intent.Id,
                Reason = reason,
                Metadata = metadata,
            };
            _refunds[refund.Id] = refund;
            charge.AmountRefunded += refunding;
            charge.Refunded = charge.AmountRefunded == charge.AmountCaptured;
            _webhooks.Publish("charge.refunded", StripeReply.ToNode(charge), intent.ApiVersion, idempotencyKey);
            return StripeReply.Ok(refund);
        }
    }

    /// <summary>Refunds newest first, of one charge or PaymentIntent when named (Stripe's <c>GET /v1/refunds</c>).</summary>
    public StripeReply ListRefunds(int limit, string? charge, string? paymentIntent)
    {
        lock (_gate)
        {
            // Newest first: refunds are never removed, so the dictionary keeps the order they were made in.
            var found = _refunds.Values.Reverse().Where(r => (charge is null || r.Charge == charge) && (paymentIntent is null || r.PaymentIntent == paymentIntent))
                .ToList();
            return StripeReply.Ok(new StripeList("list", "/v1/refunds", [.. found.Take(limit).Select(StripeReply.ToNode)], found.Count > limit));
        }
    }

    public StripeReply GetRefund(string id)
    {
        lock (_gate)
        {
            return _refunds.TryGetValue(id, out var refund) ? StripeReply.Ok(refund) : StripeReply.NoSuch("refund", id);
        }
    }

    /// <summary>
    /// Marks a slow card's charge as under way until the returned handle is disposed (<c>GET /sandbox/in-flight</c>),
    /// so a crash test can stop its caller exactly while the provider is working on it.
    /// </summary>
    public IDisposable SlowChargeStarted(IntentRequest request)
    {
        lock (_gate)
        {
            _inFlight.Add(request);
        }
        return new InFlightHandle(this, request);
    }

    /// <summary>The slow charges under way now, by order and idempotency key (<c>GET /sandbox/in-flight</c>).</summary>
    public IReadOnlyList<InFlightRow> InFlightRows()
    {
        lock (_gate)
        {
            return [.. _inFlight.Select(r => new InFlightRow(r.Metadata.GetValueOrDefault("order_id"), r.IdempotencyKey, r.Amount, r.Currency))];
        }
    }

    private sealed class InFlightHandle(SandboxLedger ledger, IntentRequest request) : IDisposable
    {
        public void Dispose()
        {
            lock (ledger._gate)
            {
                ledger._inFlight.Remove(request);
            }
        }
    }

    /// <summary>Every charge made, oldest first (<c>GET /sandbox/charges</c>).</summary>
    public IReadOnlyList<ChargeRow> ChargeRows()
    {
        lock (_gate)
        {
            return [.. _chargeLog.Select(c => new ChargeRow(c.Id, c.PaymentIntent, c.Amount, c.AmountRefunded, c.Currency, c.Status,
                c.Metadata.GetValueOrDefault("order_id"), c.IdempotencyKey, c.Created))];
        }
    }

    private StripeReply? CheckLocked(IntentRequest request, out ChargeBehaviour? behaviour)
    {
        behaviour = null;
        if (request.Customer is { } customer && !_customers.ContainsKey(customer))
        {
            return StripeReply.Invalid($"No such customer: '{customer}'", "customer", "resource_missing");
        }
        if (request.PaymentMethod is not { } methodId)
        {
            return request.Confirm
                ? StripeReply.Invalid("You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.", "payment_method", "payment_intent_unexpected_state")
                : null;
        }
        if (!_paymentMethods.TryGetValue(methodId, out var method))
        {
            return StripeReply.Invalid($"No such PaymentMethod: '{methodId}'", "payment_method", "resource_missing");
        }
        if (method.Customer is { } owner && owner != request.Customer)
        {
            return StripeReply.Invalid(
                request.Customer is null
                    ? "The provided PaymentMethod was previously attached to a Customer. To use a PaymentMethod that is attached to a Customer, you must provide the Customer ID in the request."
                    : "The provided PaymentMethod belongs to a different Customer than the one on this PaymentIntent.",
                "payment_method");
        }
        if (method.Consumed)
        {
            return StripeReply.Invalid("This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.", "payment_method");
        }
        behaviour = method.Outcome.Behaviour;
        return null;
    }

    private StripeReply ConfirmLocked(PaymentIntent intent)
    {
        var method = _paymentMethods[intent.PaymentMethod!];
        if (method.Customer is null)
        {
            method.Consumed = true;
        }
        var outcome = method.Outcome;
        var charge = new Charge(StripeIds.New("ch"), Now)
        {
            Amount = intent.Amount,
            Currency = intent.Currency,
            Customer = intent.Customer,
            Description = intent.Description,
            PaymentIntent = intent.Id,
            PaymentMethod = method.Id,
            PaymentMethodDetails = new PaymentMethodDetails(method.Card),
            Metadata = new Dictionary<string, string>(intent.Metadata, StringComparer.Ordinal),
            IdempotencyKey = intent.IdempotencyKey,
        };
        _charges[charge.Id] = charge;
        _chargeLog.Add(charge);
        intent.LatestCharge = charge.Id;

        switch (outcome.Behaviour)
        {
            case ChargeBehaviour.Decline or ChargeBehaviour.ProcessingError:
                charge.Status = "failed";
                charge.FailureCode = outcome.Code;
                charge.FailureMessage = outcome.Message;
                charge.Outcome = outcome.Behaviour == ChargeBehaviour.Decline
                    ? new ChargeOutcome("issuer_declined", "declined_by_network", outcome.DeclineCode, "The bank did not return any further details with this decline.")
                    : new ChargeOutcome("issuer_declined", "declined_by_network", "processing_error", "The bank could not process this charge.");
                intent.Status = "requires_payment_method";
                var error = new StripeError("card_error", outcome.Message!, outcome.Code, outcome.DeclineCode, Charge: charge.Id,
                    DocUrl: $"https://stripe.com/docs/error-codes/{outcome.Code?.Replace('_', '-')}");
                intent.LastPaymentError = StripeReply.ToNode(error with { PaymentIntent = null });
                intent.LastPaymentError["payment_method"] = StripeReply.ToNode(method);
                var snapshot = StripeReply.ToNode(intent);
                _webhooks.Publish("payment_intent.payment_failed", snapshot.DeepClone(), intent.ApiVersion, intent.IdempotencyKey);
                return StripeReply.Error(402, error with { PaymentIntent = snapshot });
            case ChargeBehaviour.SettleLater:
                charge.Status = "pending";
                intent.Status = "processing";
                _ = SettleLaterAsync(intent, charge);
                return StripeReply.Ok(intent);
            default:
                Succeed(intent, charge);
                return StripeReply.Ok(intent);
        }
    }

    private void Succeed(PaymentIntent intent, Charge charge)
    {
        charge.Status = "succeeded";
        charge.Paid = true;
        charge.Captured = true;
        charge.AmountCaptured = charge.Amount;
        charge.Outcome = new ChargeOutcome("authorized", "approved_by_network", null, "Payment complete.");
        intent.Status = "succeeded";
        intent.AmountReceived = intent.Amount;
        _webhooks.Publish("payment_intent.succeeded", StripeReply.ToNode(intent), intent.ApiVersion, intent.IdempotencyKey);
    }

    private async Task SettleLaterAsync(PaymentIntent intent, Charge charge)
    {
        // Off the caller's thread (and lock) at once: even with no delay, the first answer says "processing".
        await Task.Yield();
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(_options.Value.SettleDelayMs), _time, _stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_gate)
        {
            Succeed(intent, charge);
        }
        Changed?.Invoke();
    }

    private string Fingerprint(string digits)
    {
        var mac = HMACSHA256.HashData(_fingerprintKey, Encoding.ASCII.GetBytes(digits));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Concat(mac.Take(16).Select(b => alphabet[b % alphabet.Length]));
    }

    private static StripeReply CardError(string code, string message, string param) =>
        StripeReply.Error(402, new StripeError("card_error", message, code, Param: param));
}

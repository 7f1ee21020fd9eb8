using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace EStore.PaymentSandbox;

/// <summary>The routes: Stripe's (<c>/v1/...</c>) for the subset payment-service uses, and the read-only <c>/sandbox/charges</c> and <c>/sandbox/in-flight</c>.</summary>
internal static partial class SandboxApi
{
    // Parameters Stripe knows for these calls that the sandbox accepts and ignores; anything else is parameter_unknown.
    private static readonly string[] IntentParameters =
    [
        "amount", "currency", "customer", "payment_method", "confirm", "off_session", "metadata", "description", "capture_method",
        "confirmation_method", "payment_method_types", "expand", "receipt_email", "statement_descriptor", "statement_descriptor_suffix",
        "automatic_payment_methods", "error_on_requires_action", "return_url", "use_stripe_sdk", "payment_method_options", "setup_future_usage",
    ];

    // Stripe's smallest charge per currency (docs: minimum charge amounts); others need at least 1.
    private static readonly Dictionary<string, long> MinimumAmounts = new(StringComparer.Ordinal)
    {
        ["usd"] = 50,
        ["eur"] = 50,
        ["gbp"] = 30,
        ["chf"] = 50,
        ["cad"] = 50,
        ["aud"] = 50,
        ["dkk"] = 250,
        ["sek"] = 300,
        ["nok"] = 300,
        ["pln"] = 200,
    };

    public static void MapSandboxApi(this WebApplication app)
    {
        // Resolved per call, so a bad setting surfaces at start (PaymentSandboxApp.StartAsync), not while mapping.
        SandboxLedger Ledger() => app.Services.GetRequiredService<SandboxLedger>();
        var options = app.Services.GetRequiredService<IOptions<SandboxOptions>>();
        var time = app.Services.GetRequiredService<TimeProvider>();

        app.MapPost("/v1/customers", StripeEndpoint.Handle(call => Task.FromResult(
            call.Params.FirstUnknown("email", "name", "description", "metadata", "expand") is { } unknown
                ? StripeReply.Unknown(unknown)
                : Ledger().CreateCustomer(call.Params.Get("email"), call.Params.Get("name"), call.Params.Get("description"), call.Params.Map("metadata")))));
        app.MapGet("/v1/customers/{id}", StripeEndpoint.Handle(call => Task.FromResult(Ledger().GetCustomer(call.RouteId))));

        app.MapPost("/v1/payment_methods", StripeEndpoint.Handle(call => Task.FromResult(CreatePaymentMethod(Ledger(), call.Params))));
        app.MapGet("/v1/payment_methods/{id}", StripeEndpoint.Handle(call => Task.FromResult(Ledger().GetPaymentMethod(call.RouteId))));
        app.MapPost("/v1/payment_methods/{id}/attach", StripeEndpoint.Handle(call => Task.FromResult(
            call.Params.Get("customer") is { Length: > 0 } customer ? Ledger().Attach(call.RouteId, customer) : StripeReply.Missing("customer"))));
        app.MapPost("/v1/payment_methods/{id}/detach", StripeEndpoint.Handle(call => Task.FromResult(Ledger().Detach(call.RouteId))));

        app.MapPost("/v1/payment_intents", StripeEndpoint.Handle(call => CreatePaymentIntentAsync(Ledger(), call, options.Value, time, app.Lifetime.ApplicationStopping)));
        app.MapGet("/v1/payment_intents", StripeEndpoint.Handle(call => Task.FromResult(
            Limit(call.Params, out var limit) ?? Ledger().ListPaymentIntents(limit, call.Params.Get("customer"), call.Params.Get("starting_after")))));
        app.MapGet("/v1/payment_intents/search", StripeEndpoint.Handle(call => Task.FromResult(Search(Ledger(), call.Params))));
        app.MapGet("/v1/payment_intents/{id}", StripeEndpoint.Handle(call => Task.FromResult(Ledger().GetPaymentIntent(call.RouteId))));
        app.MapGet("/v1/charges/{id}", StripeEndpoint.Handle(call => Task.FromResult(Ledger().GetCharge(call.RouteId))));

        app.MapPost("/v1/refunds", StripeEndpoint.Handle(call => Task.FromResult(CreateRefund(Ledger(), call))));
        app.MapGet("/v1/refunds", StripeEndpoint.Handle(call => Task.FromResult(
            Limit(call.Params, out var limit) ?? Ledger().ListRefunds(limit, call.Params.Get("charge"), call.Params.Get("payment_intent")))));
        app.MapGet("/v1/refunds/{id}", StripeEndpoint.Handle(call => Task.FromResult(Ledger().GetRefund(call.RouteId))));

        app.MapGet("/sandbox/charges", StripeEndpoint.Handle(_ => Task.FromResult(
            StripeReply.Ok(new { Object = "list", Data = Ledger().ChargeRows() }))));
        app.MapGet("/sandbox/in-flight", StripeEndpoint.Handle(_ => Task.FromResult(
            StripeReply.Ok(new { Object = "list", Data = Ledger().InFlightRows() }))));

        // Stripe's answer to a path it does not know.
        app.MapFallback("/v1/{**rest}", StripeEndpoint.Handle(call => Task.FromResult(StripeReply.Error(404, new StripeError("invalid_request_error",
            $"Unrecognized request URL. The sandbox serves only the calls listed in its README.")))));
    }

    private static StripeReply CreatePaymentMethod(SandboxLedger ledger, StripeParams p)
    {
        if (p.FirstUnknown("type", "card", "billing_details", "metadata", "expand") is { } unknown)
        {
            return StripeReply.Unknown(unknown);
        }
        if (p.Get("type") is not { } type)
        {
            return StripeReply.Missing("type");
        }
        if (type != "card")
        {
            return StripeReply.Invalid($"Invalid type: the sandbox makes only card payment methods, not '{type}'.", "type");
        }
        foreach (var required in new[] { "card[number]", "card[exp_month]", "card[exp_year]" })
        {
            if (string.IsNullOrEmpty(p.Get(required)))
            {
                return StripeReply.Missing(required);
            }
        }
        if (!p.TryGetLong("card[exp_month]", out var month, out var error) || !p.TryGetLong("card[exp_year]", out var year, out error))
        {
            return error!;
        }
        var billing = p.Map("billing_details");
        return ledger.CreatePaymentMethod(p.Get("card[number]")!, month!.Value, year!.Value, p.Get("card[cvc]"),
            new BillingDetails(billing.GetValueOrDefault("email"), billing.GetValueOrDefault("name"), billing.GetValueOrDefault("phone")),
            p.Map("metadata"));
    }

    private static async Task<StripeReply> CreatePaymentIntentAsync(SandboxLedger ledger, StripeCall call, SandboxOptions options, TimeProvider time, CancellationToken stopping)
    {
        var p = call.Params;
        if (p.FirstUnknown(IntentParameters) is { } unknown)
        {
            return StripeReply.Unknown(unknown);
        }
        if (!p.TryGetLong("amount", out var amount, out var error) || !p.TryGetBool("confirm", out var confirm, out error)
            || !p.TryGetBool("off_session", out var offSession, out error))
        {
            return error!;
        }
        if (amount is null)
        {
            return StripeReply.Missing("amount");
        }
        if (p.Get("currency") is not { Length: > 0 } given)
        {
            return StripeReply.Missing("currency");
        }
        var currency = given.ToLowerInvariant();
        if (!CurrencyCode().IsMatch(currency))
        {
            return StripeReply.Invalid($"Invalid currency: {given}. Stripe currently supports these currencies: ISO 4217 codes in lower case.", "currency");
        }
        if (amount < MinimumAmounts.GetValueOrDefault(currency, 1))
        {
            return StripeReply.Invalid($"Amount must be at least {MinimumAmounts.GetValueOrDefault(currency, 1)} {currency} (in minor units).", "amount", "amount_too_small");
        }
        if (amount > 99_999_999)
        {
            return StripeReply.Invalid("Amount must be no more than 99999999 (in minor units).", "amount", "amount_too_large");
        }
        if (p.Get("capture_method") is { } capture && capture != "automatic")
        {
            return StripeReply.Invalid($"The sandbox captures automatically only; capture_method '{capture}' is not served.", "capture_method");
        }
        if (offSession && !confirm)
        {
            return StripeReply.Invalid("You may only specify off_session when confirm is true.", "off_session");
        }

        var request = new IntentRequest(amount.Value, currency, NullIfEmpty(p.Get("customer")), NullIfEmpty(p.Get("payment_method")), confirm, offSession,
            p.Map("metadata"), p.Get("description"), call.ApiVersion, call.IdempotencyKey);
        if (ledger.Check(request, out var behaviour) is { } refused)
        {
            return refused;
        }
        if (confirm && behaviour == ChargeBehaviour.Slow)
        {
            // The charge happens even when the caller gives up waiting: that is what timeout tests must reconcile.
            using (ledger.SlowChargeStarted(request))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.SlowDelayMs), time, stopping);
            }
        }
        return ledger.CreatePaymentIntent(request);
    }

    private static StripeReply CreateRefund(SandboxLedger ledger, StripeCall call)
    {
        var p = call.Params;
        if (p.FirstUnknown("payment_intent", "charge", "amount", "reason", "metadata", "expand", "instructions_email") is { } unknown)
        {
            return StripeReply.Unknown(unknown);
        }
        var intent = NullIfEmpty(p.Get("payment_intent"));
        var charge = NullIfEmpty(p.Get("charge"));
        if ((intent is null) == (charge is null))
        {
            return StripeReply.Invalid("One of the following params should be provided for this request: payment_intent or charge.", intent is null ? "payment_intent" : "charge");
        }
        if (!p.TryGetLong("amount", out var amount, out var error))
        {
            return error!;
        }
        if (amount is <= 0)
        {
            return StripeReply.Invalid("Invalid positive integer", "amount");
        }
        var reason = p.Get("reason");
        if (reason is not (null or "duplicate" or "fraudulent" or "requested_by_customer"))
        {
            return StripeReply.Invalid($"Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason");
        }
        return ledger.CreateRefund(intent, charge, amount, reason, p.Map("metadata"), call.IdempotencyKey);
    }

    /// <summary>
    /// Stripe's search query language, the part that reconciliation needs: clauses <c>field:'value'</c> (and
    /// <c>amount&gt;N</c> and the like) joined by <c>AND</c> or by <c>OR</c>, over <c>metadata['key']</c>, <c>status</c>,
    /// <c>customer</c>, <c>currency</c> and <c>amount</c>; a leading <c>-</c> negates a clause.
    /// </summary>
    private static StripeReply Search(SandboxLedger ledger, StripeParams p)
    {
        if (Limit(p, out var limit) is { } badLimit)
        {
            return badLimit;
        }
        if (p.Get("query") is not { Length: > 0 } query)
        {
            return StripeReply.Missing("query");
        }
        var any = query.Contains(" OR ", StringComparison.Ordinal);
        if (any && query.Contains(" AND ", StringComparison.Ordinal))
        {
            return StripeReply.Invalid("Search queries cannot mix AND and OR.", "query");
        }
        var clauses = new List<Func<PaymentIntent, bool>>();
        foreach (var text in query.Split(any ? " OR " : " AND ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = SearchClause().Match(text);
            if (!match.Success)
            {
                return StripeReply.Invalid($"Invalid search query: '{text}' is not a clause such as metadata['order_id']:'123' or status:'succeeded'.", "query");
            }
            var value = match.Groups["value"].Value.Trim('\'', '"');
            var op = match.Groups["op"].Value;
            var field = match.Groups["field"].Value;
            Func<PaymentIntent, bool>? clause = field switch
            {
                _ when match.Groups["key"].Success && op == ":" => i => i.Metadata.GetValueOrDefault(match.Groups["key"].Value) == value,
                "status" when op == ":" => i => i.Status == value,
                "customer" when op == ":" => i => i.Customer == value,
                "currency" when op == ":" => i => i.Currency == value.ToLowerInvariant(),
                "amount" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => op switch
                {
                    ":" => i => i.Amount == n,
                    ">" => i => i.Amount > n,
                    "<" => i => i.Amount < n,
                    ">=" => i => i.Amount >= n,
                    _ => i => i.Amount <= n,
                },
                _ => null,
            };
            if (clause is null)
            {
                return StripeReply.Invalid($"Invalid search query: the sandbox cannot search by '{text}'.", "query");
            }
            clauses.Add(match.Groups["neg"].Success ? i => !clause(i) : clause);
        }
        return ledger.SearchPaymentIntents(i => any ? clauses.Any(c => c(i)) : clauses.All(c => c(i)), limit);
    }

    private static StripeReply? Limit(StripeParams p, out int limit)
    {
        limit = 10;
        if (!p.TryGetLong("limit", out var given, out var error))
        {
            return error;
        }
        if (given is { } n)
        {
            if (n is < 1 or > 100)
            {
                return StripeReply.Invalid("This value must be greater than or equal to 1 and less than or equal to 100.", "limit");
            }
            limit = (int)n;
        }
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    [GeneratedRegex("^[a-z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex("""^(?<neg>-)?(?<field>metadata\[(?<q>['"])(?<key>[^'"]+)\k<q>\]|[a-z_]+)(?<op>:|>=|<=|>|<)(?<value>'[^']*'|"[^"]*"|[0-9]+)$""")]
    private static partial Regex SearchClause();
}

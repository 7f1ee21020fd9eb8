using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace EStore.Payment.Tests.Infrastructure;

/// <summary>A fault the provider stand-in answers instead of its normal answer.</summary>
public abstract record ProviderFault
{
    public static ProviderFault ServerError { get; } = new Status(500, null);
    public static ProviderFault MalformedBody { get; } = new Malformed();
    public static ProviderFault ConnectionReset { get; } = new Reset();
    public static ProviderFault TooManyRequests(int retryAfterSeconds) => new Status(429, retryAfterSeconds);
    /// <summary>Does the work (the charge happens), then answers only after <paramref name="delay"/>.</summary>
    public static ProviderFault SlowAnswer(TimeSpan delay) => new Slow(delay);

    internal sealed record Status(int Code, int? RetryAfterSeconds) : ProviderFault;
    internal sealed record Malformed : ProviderFault;
    internal sealed record Reset : ProviderFault;
    internal sealed record Slow(TimeSpan Delay) : ProviderFault;
}

/// <summary>One request the stand-in received: method, path, form fields and headers.</summary>
public sealed record ProviderRequest(string Method, string Path, IReadOnlyDictionary<string, string> Form, IReadOnlyDictionary<string, string> Headers, DateTime At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The outside payment provider for tests: WireMock.Net answering Stripe's HTTP API for the calls payment-service makes
/// (customers, payment methods, payment intents with search) with Stripe's objects, error shapes, idempotency rules
/// (same key and parameters: the first answer again, <c>Idempotent-Replayed: true</c>) and test cards. Tests queue
/// faults per order and read the exact requests sent.
/// </summary>
public sealed class StripeMock : IDisposable
{
    public const string ApiKey = "sk_test_estore_payment_tests";
    public const string WebhookSecret = "whsec_estore_payment_tests";

    private readonly object _gate = new();
    private readonly WireMockServer _server;
    private readonly Dictionary<string, string> _cardNumbers = [];
    private readonly Dictionary<string, JsonObject> _intents = [];
    private readonly Dictionary<string, (string Parameters, int Status, string Body)> _idempotent = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ProviderFault>> _faults = new();
    private readonly ConcurrentQueue<ProviderRequest> _requests = new();
    private readonly ConcurrentQueue<(string? OrderId, long Received, long Answered)> _chargeSpans = new();
    private int _sequence;

    private StripeMock()
    {
        _server = WireMockServer.Start();
        _server.Given(Request.Create().WithPath(new WildcardMatcher("/v1/*")))
            .RespondWith(Response.Create().WithCallback(AnswerTimedAsync));
    }

    public string Url => _server.Url!;

    public static StripeMock Start() => new();

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<ProviderRequest> Requests => [.. _requests];

    /// <summary>The PaymentIntent creations sent for <paramref name="orderId"/>.</summary>
    public IReadOnlyList<ProviderRequest> ChargeRequests(Guid orderId) =>
        [.. _requests.Where(r => r.Method == "POST" && r.Path == "/v1/payment_intents" && r.Form.GetValueOrDefault("metadata[order_id]") == orderId.ToString())];

    /// <summary>How many times money was taken for <paramref name="orderId"/> (idempotent replays are not charges).</summary>
    public int Charges(Guid orderId)
    {
        lock (_gate)
        {
            return _intents.Values.Count(i => (string?)i["metadata"]?["order_id"] == orderId.ToString() && (string?)i["status"] == "succeeded");
        }
    }

    /// <summary>The order's PaymentIntent as the provider holds it now; null when none.</summary>
    public JsonObject? Intent(Guid orderId)
    {
        lock (_gate)
        {
            return _intents.Values.LastOrDefault(i => (string?)i["metadata"]?["order_id"] == orderId.ToString())?.DeepClone().AsObject();
        }
    }

    /// <summary>A <c>processing</c> PaymentIntent succeeds (the money arrived), as Stripe settles it later.</summary>
    public JsonObject Settle(Guid orderId)
    {
        lock (_gate)
        {
            var intent = _intents.Values.Last(i => (string?)i["metadata"]?["order_id"] == orderId.ToString());
            intent["status"] = "succeeded";
            intent["amount_received"] = intent["amount"]!.GetValue<long>();
            intent["latest_charge"] = $"ch_{Next()}";
            return intent.DeepClone().AsObject();
        }
    }

    /// <summary>A Stripe <c>event</c> about <paramref name="intent"/> and its <c>Stripe-Signature</c> header, signed with <paramref name="secret"/>.</summary>
    public static (string Body, string Signature) SignedEvent(string eventId, string type, JsonObject intent, string secret = WebhookSecret, long? timestamp = null)
    {
        var body = new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = "2025-01-27.acacia",
            ["created"] = Now(),
            ["livemode"] = false,
            ["type"] = type,
            ["pending_webhooks"] = 1,
            ["data"] = new JsonObject { ["object"] = intent.DeepClone() },
        }.ToJsonString();
        var t = timestamp ?? Now();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return (body, $"t={t},v1={Convert.ToHexStringLower(mac)}");
    }

    /// <summary>
    /// The most charges (PaymentIntent creations) of <paramref name="orderIds"/> this provider was working on at the same
    /// moment, each from its request's arrival to its answer (a slow answer's delay included).
    /// </summary>
    public int PeakConcurrentCharges(IEnumerable<Guid> orderIds)
    {
        var orders = orderIds.Select(o => o.ToString()).ToHashSet();
        // At the same tick an answer ends before an arrival starts: only true overlaps count.
        var edges = _chargeSpans.Where(s => s.OrderId is not null && orders.Contains(s.OrderId))
            .SelectMany(s => new[] { (At: s.Received, Change: 1), (At: s.Answered, Change: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Change);
        var (current, peak) = (0, 0);
        foreach (var (_, change) in edges)
        {
            current += change;
            peak = Math.Max(peak, current);
        }
        return peak;
    }

    /// <summary>The next charges of <paramref name="orderId"/> meet these faults, one each, then the normal answer.</summary>
    public void FailCharges(Guid orderId, params ProviderFault[] faults)
    {
        var queue = _faults.GetOrAdd(orderId.ToString(), _ => new ConcurrentQueue<ProviderFault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>The next calls to <paramref name="path"/> (e.g. <c>/v1/payment_methods</c>) meet these faults.</summary>
    public void FailPath(string path, params ProviderFault[] faults)
    {
        var queue = _faults.GetOrAdd(path, _ => new ConcurrentQueue<ProviderFault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public void Dispose() => _server.Stop();

    // Every answer, with how long each charge was being worked on (for PeakConcurrentCharges).
    private async Task<IResponseMessage> AnswerTimedAsync(IRequestMessage request)
    {
        var received = Stopwatch.GetTimestamp();
        var response = await AnswerAsync(request);
        if (request.Method == "POST" && request.Path == "/v1/payment_intents")
        {
            var orderId = request.Body is { Length: > 0 } body ? QueryHelpers.ParseQuery(body).GetValueOrDefault("metadata[order_id]").ToString() : null;
            _chargeSpans.Enqueue((orderId, received, Stopwatch.GetTimestamp()));
        }
        return response;
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        var form = request.Body is { Length: > 0 } body
            ? QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString())
            : [];
        var headers = request.Headers?.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        _requests.Enqueue(new ProviderRequest(request.Method, request.Path, form, headers, DateTime.UtcNow));

        if (headers.GetValueOrDefault("Authorization") != $"Bearer {ApiKey}")
        {
            return Error(401, "invalid_request_error", null, "Invalid API Key provided.");
        }
        var faultKey = form.GetValueOrDefault("metadata[order_id]") ?? request.Path;
        ProviderFault? fault = _faults.TryGetValue(faultKey, out var queue) && queue.TryDequeue(out var next) ? next : null;
        switch (fault)
        {
            case ProviderFault.Status status:
                var answer = Error(status.Code, "api_error", null, "Something went wrong on the provider's end.");
                if (status.RetryAfterSeconds is { } seconds)
                {
                    answer.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
                }
                return answer;
            case ProviderFault.Malformed:
                return Json(200, "{\"id\": \"pi_broken\", \"object\": ");
            case ProviderFault.Reset:
                return new ResponseMessage { StatusCode = 200, FaultType = FaultType.EMPTY_RESPONSE };
        }

        var idempotencyKey = headers.GetValueOrDefault("Idempotency-Key");
        var parameters = string.Join("&", form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        IResponseMessage response;
        lock (_gate)
        {
            if (request.Method == "POST" && idempotencyKey is not null && _idempotent.TryGetValue(idempotencyKey, out var stored))
            {
                if (stored.Parameters != parameters)
                {
                    return Error(400, "idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters they were first used with.");
                }
                var replay = Json(stored.Status, stored.Body);
                replay.AddHeader("Idempotent-Replayed", "true");
                response = replay;
            }
            else
            {
                response = Route(request.Method, request.Path, form, request.Query);
                if (request.Method == "POST" && idempotencyKey is not null)
                {
                    _idempotent[idempotencyKey] = (parameters, response.StatusCode is int code ? code : 200, response.BodyData!.BodyAsString!);
                }
            }
        }
        if (fault is ProviderFault.Slow slow)
        {
            await Task.Delay(slow.Delay);
        }
        return response;
    }

    private IResponseMessage Route(string method, string path, Dictionary<string, string> form, IDictionary<string, WireMockList<string>>? query)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (method, segments) switch
        {
            ("POST", ["v1", "customers"]) => Json(200, new JsonObject
            {
                ["id"] = $"cus_{Next()}",
                ["object"] = "customer",
                ["created"] = Now(),
                ["livemode"] = false,
                ["email"] = form.GetValueOrDefault("email"),
                ["metadata"] = Metadata(form),
            }),
            ("POST", ["v1", "payment_methods"]) => CreateCard(form),
            ("POST", ["v1", "payment_methods", var id, "attach"]) => Card(id, form.GetValueOrDefault("customer")),
            ("POST", ["v1", "payment_methods", var id, "detach"]) => Card(id, null),
            ("GET", ["v1", "payment_methods", var id]) => Card(id, null),
            ("POST", ["v1", "payment_intents"]) => Charge(form),
            ("POST", ["v1", "refunds"]) => Refund(form),
            ("GET", ["v1", "payment_intents", "search"]) => Search(query?["query"].ToString() ?? ""),
            ("GET", ["v1", "payment_intents", var id]) => _intents.TryGetValue(id, out var intent)
                ? Json(200, intent) : Error(404, "invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'"),
            _ => Error(404, "invalid_request_error", null, $"Unrecognized request URL ({method}: {path})."),
        };
    }

    private IResponseMessage CreateCard(Dictionary<string, string> form)
    {
        var number = form.GetValueOrDefault("card[number]") ?? "";
        if (number == "4000000000000069")
        {
            return Error(402, "card_error", "expired_card", "Your card has expired.", param: "card[exp_month]");
        }
        var id = $"pm_{Next()}";
        _cardNumbers[id] = number;
        return Card(id, null, form);
    }

    private IResponseMessage Card(string id, string? customer, Dictionary<string, string>? form = null)
    {
        if (!_cardNumbers.TryGetValue(id, out var number))
        {
            return Error(404, "invalid_request_error", "resource_missing", $"No such PaymentMethod: '{id}'");
        }
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.ASCII.GetBytes(number)))[..16].ToLowerInvariant();
        return Json(200, new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_method",
            ["type"] = "card",
            ["created"] = Now(),
            ["livemode"] = false,
            ["customer"] = customer,
            ["card"] = new JsonObject
            {
                ["brand"] = number.StartsWith('4') ? "visa" : number.StartsWith('5') ? "mastercard" : "unknown",
                ["last4"] = number[^4..],
                ["exp_month"] = int.Parse(form?.GetValueOrDefault("card[exp_month]") ?? "12", CultureInfo.InvariantCulture),
                ["exp_year"] = int.Parse(form?.GetValueOrDefault("card[exp_year]") ?? "2030", CultureInfo.InvariantCulture),
                ["fingerprint"] = fingerprint,
                ["funding"] = "credit",
                ["country"] = "US",
            },
        });
    }

    private IResponseMessage Charge(Dictionary<string, string> form)
    {
        var number = _cardNumbers.GetValueOrDefault(form.GetValueOrDefault("payment_method") ?? "") ?? "";
        var id = $"pi_{Next()}";
        var amount = long.Parse(form.GetValueOrDefault("amount") ?? "0", CultureInfo.InvariantCulture);
        var intent = new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["created"] = Now(),
            ["livemode"] = false,
            ["amount"] = amount,
            ["currency"] = form.GetValueOrDefault("currency"),
            ["customer"] = form.GetValueOrDefault("customer"),
            ["payment_method"] = form.GetValueOrDefault("payment_method"),
            ["metadata"] = Metadata(form),
        };
        _intents[id] = intent;
        var decline = number switch
        {
            "4000000000000002" => ("card_declined", "generic_decline"),
            "4000000000009995" => ("card_declined", "insufficient_funds"),
            "4000000000000119" => ("processing_error", (string?)null),
            _ => ((string, string?)?)null,
        };
        if (decline is var (code, declineCode))
        {
            intent["status"] = "requires_payment_method";
            intent["amount_received"] = 0;
            var error = ErrorBody("card_error", code, "Your card was declined.", declineCode: declineCode);
            error["error"]!["payment_intent"] = intent.DeepClone();
            return Json(402, error);
        }
        if (number == "4000000000006975")
        {
            // Settles later (Settle, or a webhook the test sends).
            intent["status"] = "processing";
            intent["amount_received"] = 0;
            return Json(200, intent);
        }
        intent["status"] = "succeeded";
        intent["amount_received"] = amount;
        intent["latest_charge"] = $"ch_{Next()}";
        return Json(200, intent);
    }

    private IResponseMessage Refund(Dictionary<string, string> form)
    {
        if (!_intents.TryGetValue(form.GetValueOrDefault("payment_intent") ?? "", out var intent))
        {
            return Error(404, "invalid_request_error", "resource_missing", "No such payment_intent.", param: "payment_intent");
        }
        var amount = long.Parse(form.GetValueOrDefault("amount") ?? "0", CultureInfo.InvariantCulture);
        var refunded = (long?)intent["amount_refunded"] ?? 0;
        if (amount <= 0 || amount > ((long?)intent["amount_received"] ?? 0) - refunded)
        {
            return Error(400, "invalid_request_error", "amount_too_large", "Refund amount is greater than what is left.", param: "amount");
        }
        intent["amount_refunded"] = refunded + amount;
        return Json(200, new JsonObject
        {
            ["id"] = $"re_{Next()}",
            ["object"] = "refund",
            ["amount"] = amount,
            ["currency"] = intent["currency"]?.DeepClone(),
            ["payment_intent"] = intent["id"]?.DeepClone(),
            ["status"] = "succeeded",
            ["reason"] = form.GetValueOrDefault("reason"),
            ["metadata"] = Metadata(form),
            ["created"] = Now(),
        });
    }

    private IResponseMessage Search(string query)
    {
        var orderId = query.Split('\'').ElementAtOrDefault(3);
        var found = new JsonArray([.. _intents.Values.Where(i => (string?)i["metadata"]?["order_id"] == orderId).Select(i => i.DeepClone())]);
        return Json(200, new JsonObject { ["object"] = "search_result", ["data"] = found, ["has_more"] = false, ["url"] = "/v1/payment_intents/search" });
    }

    private static JsonObject Metadata(Dictionary<string, string> form)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in form.Where(p => p.Key.StartsWith("metadata[", StringComparison.Ordinal)))
        {
            metadata[key[9..^1]] = value;
        }
        return metadata;
    }

    private static JsonObject ErrorBody(string type, string? code, string message, string? declineCode = null, string? param = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
        }
        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }
        if (param is not null)
        {
            error["param"] = param;
        }
        return new JsonObject { ["error"] = error };
    }

    private static ResponseMessage Error(int status, string type, string? code, string message, string? param = null) =>
        Json(status, ErrorBody(type, code, message, param: param));

    private static ResponseMessage Json(int status, JsonNode body) => Json(status, body.ToJsonString());

    private static ResponseMessage Json(int status, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "application/json");
        return response;
    }

    private string Next() => Interlocked.Increment(ref _sequence).ToString("D6", CultureInfo.InvariantCulture);

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

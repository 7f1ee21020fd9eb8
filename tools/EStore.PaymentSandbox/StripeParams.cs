using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace EStore.PaymentSandbox;

/// <summary>
/// A request's parameters in Stripe's form encoding: flat keys with bracket notation (<c>card[number]</c>,
/// <c>metadata[order_id]</c>, <c>expand[0]</c>), from the form body of a POST or the query of a GET.
/// </summary>
internal sealed class StripeParams
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    public StripeParams(IEnumerable<KeyValuePair<string, string>> pairs) => _pairs = [.. pairs];

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>Reads the query string, and for a POST also an <c>application/x-www-form-urlencoded</c> body.</summary>
    public static async Task<StripeParams> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var pairs = request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(cancellationToken);
            foreach (var (key, values) in QueryHelpers.ParseQuery(body))
            {
                pairs.AddRange(values.Select(v => KeyValuePair.Create(key, v ?? "")));
            }
        }
        return new StripeParams(pairs);
    }

    /// <summary>The first value of a key, or null.</summary>
    public string? Get(string key) => _pairs.FirstOrDefault(p => p.Key == key).Value;

    /// <summary>The entries <c>name[x]=v</c> as x -> v (metadata).</summary>
    public Dictionary<string, string> Map(string name)
    {
        var prefix = name + "[";
        return _pairs.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Key.EndsWith(']'))
            .GroupBy(p => p.Key[prefix.Length..^1], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
    }

    /// <summary>The first parameter whose top-level name is not in <paramref name="known"/>, or null.</summary>
    public string? FirstUnknown(params IReadOnlyCollection<string> known) =>
        _pairs.Select(p => p.Key).FirstOrDefault(key => !known.Contains(TopName(key), StringComparer.Ordinal));

    /// <summary>A whole number, or an error naming the key.</summary>
    public bool TryGetLong(string key, out long? value, out StripeReply? error)
    {
        value = null;
        error = null;
        if (Get(key) is not { } text || text.Length == 0)
        {
            return true;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }
        error = StripeReply.Invalid($"Invalid integer: {text}", key, "parameter_invalid_integer");
        return false;
    }

    /// <summary>A boolean (<c>true</c>/<c>false</c>), or an error naming the key.</summary>
    public bool TryGetBool(string key, out bool value, out StripeReply? error)
    {
        error = null;
        value = false;
        var text = Get(key);
        if (text is null or "" or "false")
        {
            return true;
        }
        if (text == "true")
        {
            value = true;
            return true;
        }
        error = StripeReply.Invalid($"Invalid boolean: {text}", key);
        return false;
    }

    /// <summary>
    /// A keyed hash of every parameter, order-insensitive: what "the same parameters" means for an idempotency key.
    /// Keyed so the card number a tokenisation request carried cannot be found again from it.
    /// </summary>
    public string Fingerprint(byte[] key)
    {
        var canonical = string.Join('&', _pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
    }

    private static string TopName(string key) => key.IndexOf('[', StringComparison.Ordinal) is var i and > 0 ? key[..i] : key;
}

using System.Security.Cryptography;
using System.Text.Json;
using EStore.Web.Gateway;
using Microsoft.AspNetCore.DataProtection;

namespace EStore.Web.Carts;

/// <summary>
/// What a re-order did, carried from the order page to the cart page in the redirect's query (<c>/cart?reorder=</c>):
/// sealed by data protection (nobody can make the cart page say what order-service did not) and readable for an hour,
/// so a reload of the cart shows it again without posting the re-order twice.
/// </summary>
public sealed class ReorderNotice(IDataProtectionProvider protection)
{
    /// <summary>The most lines named; more are counted.</summary>
    public const int MaxLines = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ITimeLimitedDataProtector _seal = protection.CreateProtector("estore-web.reorder").ToTimeLimitedDataProtector();

    /// <summary>The units added, and each line not added with why, in words.</summary>
    public sealed record Summary(int AddedItems, IReadOnlyList<NotAdded> NotAdded, int MoreNotAdded);

    public sealed record NotAdded(string ProductName, string Why);

    public string Seal(Reorder reorder)
    {
        var notAdded = reorder.NotAdded
            .Select(l => new NotAdded(l.ProductName, LineReasons.Describe(l.Reason, l.Requested, l.Available, l.Message)))
            .ToList();
        var summary = new Summary(reorder.Added.Sum(l => l.Quantity), [.. notAdded.Take(MaxLines)], Math.Max(0, notAdded.Count - MaxLines));
        return _seal.Protect(JsonSerializer.Serialize(summary, Json), TimeSpan.FromHours(1));
    }

    /// <summary>The summary, or null for a value that is not one this store sealed (or sealed more than an hour ago).</summary>
    public Summary? Open(string? sealedSummary)
    {
        if (string.IsNullOrEmpty(sealedSummary))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Summary>(_seal.Unprotect(sealedSummary), Json);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            return null;
        }
    }
}

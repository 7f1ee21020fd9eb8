using System.Text.Json;
using EStore.Shop.Dtos;

namespace EStore.Shop.Services;

/// <summary>
/// product-service's inventory counts for a shop, asked with the caller's token (product-service checks
/// ownership itself). Any failure (unreachable, timeout, error status, malformed answer) is "unavailable".
/// </summary>
public sealed partial class InventoryClient(HttpClient http, ILogger<InventoryClient> logger)
{
    /// <summary>The Eureka app name, also what the dashboard lists when it did not answer.</summary>
    public const string AppName = "product-service";

    /// <summary>The counts, or null when product-service could not give them.</summary>
    public async Task<InventorySummary?> GetSummaryAsync(Guid shopId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"api/inventory/summary?shopId={shopId}", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(AppName, $"status {(int)response.StatusCode}");
                return null;
            }
            var summary = await response.Content.ReadFromJsonAsync<InventorySummary>(cancellationToken);
            // Counts for another shop, or impossible ones, would mislead the owner more than no counts.
            if (summary is null || summary.ShopId != shopId || summary.Products < 0 || summary.Variants < 0 || summary.LowStock < 0 || summary.OutOfStock < 0)
            {
                LogUnavailable(AppName, "unexpected answer");
                return null;
            }
            return summary;
        }
        catch (Exception ex) when (DependencyFailure.Is(ex, cancellationToken))
        {
            LogUnavailable(AppName, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App} did not give the shop summary counts: {Reason}")]
    private partial void LogUnavailable(string app, string reason);
}

/// <summary>
/// identity-service's current view of the caller's account, asked with the caller's token. Used when the
/// token says the e-mail is unverified: the user may have verified it since the token was issued.
/// </summary>
public sealed partial class AccountClient(HttpClient http, ILogger<AccountClient> logger)
{
    /// <summary>The Eureka app name.</summary>
    public const string AppName = "identity-service";

    /// <summary>True only when identity-service answers that <paramref name="userId"/>'s address is verified now.</summary>
    public async Task<bool> IsEmailVerifiedAsync(Guid userId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("api/users/me", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(AppName, $"status {(int)response.StatusCode}");
                return false;
            }
            var account = await response.Content.ReadFromJsonAsync<AccountStatus>(cancellationToken);
            return account is not null && account.Id == userId && account.EmailVerified;
        }
        catch (Exception ex) when (DependencyFailure.Is(ex, cancellationToken))
        {
            LogUnavailable(AppName, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{App} could not confirm the caller's e-mail verification: {Reason}")]
    private partial void LogUnavailable(string app, string reason);
}

internal static class DependencyFailure
{
    /// <summary>
    /// What a failed call to another service throws: no instance or connection, a timeout (not the caller
    /// hanging up), or a body that is not the expected JSON.
    /// </summary>
    public static bool Is(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HttpRequestException or JsonException or NotSupportedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}

using EStore.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace EStore.Identity.Services;

/// <summary>
/// Periodic housekeeping (every <c>Identity:Keys:CheckIntervalSeconds</c>): signing-key rotation and
/// deletion, and removal of refresh and single-use tokens that can no longer be used.
/// </summary>
internal sealed partial class IdentityMaintenance(
    IServiceScopeFactory scopes,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<IdentityMaintenance> logger) : BackgroundService
{
    // Expired rows stay a day, so that a late reuse is still recognised as such in the logs.
    private static readonly TimeSpan KeepExpired = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.KeyCheckInterval, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let housekeeping stop the host: the next interval tries again.
                LogFailed(ex.Message);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SigningKeyManager>().EnsureCurrentKeyAsync(cancellationToken);
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now - KeepExpired;
        var refresh = await db.RefreshTokens.Where(t => t.ExpiresAt < cutoff && t.AccessTokenExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var oneTime = await db.OneTimeTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (refresh + oneTime > 0)
        {
            LogPurged(refresh, oneTime);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Refresh} expired refresh tokens and {OneTime} expired single-use tokens")]
    private partial void LogPurged(int refresh, int oneTime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity maintenance failed: {Error}; retrying at the next interval")]
    private partial void LogFailed(string error);
}

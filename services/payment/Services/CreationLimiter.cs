using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EStore.Payment.Services;

/// <summary>
/// The per-user window on saving cards (<c>Payment:Methods:CreatePermitLimit</c> per <c>CreateWindowSeconds</c>):
/// card testers try many numbers fast. Every try counts, refused ones too. Per instance, behind the gateway's own
/// per-user limit.
/// </summary>
public sealed class CreationLimiter(IOptions<PaymentMethodOptions> settings) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Value.CreatePermitLimit,
            Window = TimeSpan.FromSeconds(settings.Value.CreateWindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when the user may go on; otherwise how long until the window opens again.</summary>
    public TimeSpan? TryTake(Guid user)
    {
        using var lease = _limiter.AttemptAcquire(user);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(settings.Value.CreateWindowSeconds);
    }

    public void Dispose() => _limiter.Dispose();
}

using EStore.Platform.Hosting;

namespace EStore.Product.Messaging;

/// <summary><c>Reservations:*</c>: how long stock reserved for an unconfirmed order is held.</summary>
public sealed class ReservationOptions : IValidatedOptions
{
    public const string Section = "Reservations";

    /// <summary>How long an unconfirmed reservation holds stock.</summary>
    public int TtlMinutes { get; set; } = 15;

    /// <summary>How often expired reservations are released.</summary>
    public int SweepSeconds { get; set; } = 30;

    public void Validate(OptionsCheck check)
    {
        check.Range(TtlMinutes, 1, 10_080);
        check.Range(SweepSeconds, 1, 3_600);
    }
}

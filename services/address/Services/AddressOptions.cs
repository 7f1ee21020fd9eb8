using EStore.Platform.Hosting;

namespace EStore.Address.Services;

/// <summary><c>Addresses:*</c> configuration.</summary>
public sealed class AddressOptions : IValidatedOptions
{
    public const string Section = "Addresses";

    /// <summary>How many addresses one user may keep.</summary>
    public int MaxPerUser { get; set; } = 20;

    /// <summary>How long a disabled user's addresses are kept (not served) before they are erased; 0 erases at once.</summary>
    public int DisabledRetentionDays { get; set; } = 30;

    /// <summary>How often an instance looks for held address books whose retention has ended.</summary>
    public int ErasureSweepMinutes { get; set; } = 60;

    public void Validate(OptionsCheck check)
    {
        check.Range(MaxPerUser, 1, 100);
        check.Range(DisabledRetentionDays, 0, 3_650);
        check.Range(ErasureSweepMinutes, 1, 1_440);
    }
}

using EStore.Address.Services;
using EStore.Platform.Hosting;

namespace EStore.Address.Tests;

/// <summary><c>Addresses:*</c> is checked at start: one line naming the key for each bad value.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        var result = new ValidatedOptionsValidator<AddressOptions>(AddressOptions.Section).Validate(null, new AddressOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(0, 30, 60, "Addresses:MaxPerUser: '0' must be from 1 to 100.")]
    [InlineData(101, 30, 60, "Addresses:MaxPerUser: '101' must be from 1 to 100.")]
    [InlineData(20, -1, 60, "Addresses:DisabledRetentionDays: '-1' must be from 0 to 3650.")]
    [InlineData(20, 30, 0, "Addresses:ErasureSweepMinutes: '0' must be from 1 to 1440.")]
    public void A_value_out_of_range_stops_startup_naming_the_key(int maxPerUser, int retentionDays, int sweepMinutes, string line)
    {
        var options = new AddressOptions { MaxPerUser = maxPerUser, DisabledRetentionDays = retentionDays, ErasureSweepMinutes = sweepMinutes };

        var result = new ValidatedOptionsValidator<AddressOptions>(AddressOptions.Section).Validate(null, options);

        Assert.Equal([line], result.Failures!);
    }
}

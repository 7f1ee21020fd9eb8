using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EStore.Platform.Hosting;

/// <summary>
/// Reads typed settings the same way everywhere: absent or blank means the default, anything malformed or out of
/// range stops startup with one line naming the key (<see cref="StartupConfigurationException"/>).
/// </summary>
public static class SettingValues
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    /// <param name="configuration">Where the setting is read.</param>
    /// <param name="key">Its key, named in the error.</param>
    /// <param name="fallback">The value when the setting is absent or blank.</param>
    /// <param name="min">The smallest value accepted.</param>
    /// <param name="max">The largest value accepted.</param>
    /// <exception cref="StartupConfigurationException">Not a whole number in range.</exception>
    public static int Int(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new StartupConfigurationException(key, $"'{text}' is not a whole number from {min} to {max}.");
    }

    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    /// <param name="configuration">Where the setting is read.</param>
    /// <param name="key">Its key, named in the error.</param>
    /// <param name="fallback">The value when the setting is absent or blank.</param>
    /// <exception cref="StartupConfigurationException">Neither true nor false.</exception>
    public static bool Bool(IConfiguration configuration, string key, bool fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return bool.TryParse(text.Trim(), out var value)
            ? value
            : throw new StartupConfigurationException(key, $"'{text}' is not true or false.");
    }
}

using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EStore.Platform.Hosting;

/// <summary>
/// An options class bound from one configuration section and checked at start. <see cref="Validate"/> is the one
/// place its rules are written; <see cref="ValidatedOptionsExtensions"/> binds the section and runs them.
/// </summary>
public interface IValidatedOptions
{
    /// <summary>
    /// Reports every value that breaks a rule (call the checks with the properties themselves). Without rules,
    /// only values the binder cannot convert are refused.
    /// </summary>
    /// <param name="check">Collects the problems, each naming its key and value.</param>
    void Validate(OptionsCheck check)
    {
    }
}

/// <summary>
/// Marks a secret (a password, a key): bound without trimming (a blank one counts as unset) and never printed in an error.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;

/// <summary>
/// The problems <see cref="IValidatedOptions.Validate"/> found, each one line <c>Section:Key: problem</c>. The key is
/// taken from the expression passed (<c>Relay.LeaseSeconds</c> in section <c>Messaging</c> is
/// <c>Messaging:Relay:LeaseSeconds</c>).
/// </summary>
public sealed class OptionsCheck
{
    private readonly List<string> _problems = [];

    internal OptionsCheck(string section) => Section = section;

    /// <summary>The section the options are bound from.</summary>
    public string Section { get; }

    internal IReadOnlyList<string> Problems => _problems;

    /// <summary>
    /// The configuration key of a property path such as <c>Relay.LeaseSeconds</c>; a path that already has colons
    /// (<c>Producer:enable.idempotence</c>, a dictionary entry) is taken as it is.
    /// </summary>
    public string Key(string property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var path = property.StartsWith("this.", StringComparison.Ordinal) ? property[5..] : property;
        path = path.Contains(':', StringComparison.Ordinal) ? path : path.Replace('.', ':');
        return Section.Length == 0 ? path : $"{Section}:{path}";
    }

    /// <summary>Fails unless <paramref name="value"/> is from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public void Range<T>(T value, T min, T max, [CallerArgumentExpression(nameof(value))] string property = "")
        where T : INumber<T>
    {
        if (value < min || value > max)
        {
            Fail(property, Invariant($"'{value}' must be from {min} to {max}."));
        }
    }

    /// <summary>Fails unless <paramref name="value"/> is at least <paramref name="min"/>.</summary>
    public void AtLeast<T>(T value, T min, [CallerArgumentExpression(nameof(value))] string property = "")
        where T : INumber<T>
    {
        if (value < min)
        {
            Fail(property, Invariant($"'{value}' must be at least {min}."));
        }
    }

    /// <summary>As <see cref="Range{T}(T, T, T, string)"/>, for a setting that may be unset (null passes).</summary>
    public void Range<T>(T? value, T min, T max, [CallerArgumentExpression(nameof(value))] string property = "")
        where T : struct, INumber<T>
    {
        if (value is { } set)
        {
            Range(set, min, max, property);
        }
    }

    /// <summary>Fails unless <paramref name="value"/> is unset or an absolute http(s) URL.</summary>
    public void HttpUrl(string? value, string? example = null, [CallerArgumentExpression(nameof(value))] string property = "")
    {
        if (value is not null && !IsHttpUrl(value))
        {
            Fail(property, example is null ? $"'{value}' is not an absolute http(s) URL." : $"'{value}' is not an http(s) URL such as {example}.");
        }
    }

    /// <summary>Fails unless <paramref name="value"/> is an absolute http(s) URL.</summary>
    public void HttpUrl(Uri value, string? example = null, [CallerArgumentExpression(nameof(value))] string property = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        HttpUrl(value.OriginalString, example, property);
    }

    /// <summary>Fails unless <paramref name="value"/> is unset or one of <paramref name="allowed"/> (any case).</summary>
    public void OneOf(string? value, IReadOnlyCollection<string> allowed, [CallerArgumentExpression(nameof(value))] string property = "")
    {
        if (value is not null && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            Fail(property, $"'{value}' is not one of {string.Join(", ", allowed)}.");
        }
    }

    /// <summary>Records <paramref name="problem"/> for <paramref name="property"/> when <paramref name="valid"/> is false.</summary>
    public void Require(bool valid, string property, string problem)
    {
        if (!valid)
        {
            Fail(property, problem);
        }
    }

    /// <summary>Records a problem with <paramref name="property"/>: what is wrong and what would be right.</summary>
    public void Fail(string property, string problem) => _problems.Add($"{Key(property)}: {problem}");

    /// <summary>True for an absolute http or https URL.</summary>
    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>
/// The one way settings are read: an <see cref="IValidatedOptions"/> class per section, bound with the configuration
/// binder and checked at start, so a bad value stops the process with one line naming the key and the value
/// (<see cref="StartupConfigurationException"/>, printed by the platform's startup failure reporter).
/// A blank value counts as unset (the property keeps its default), except for a text whose default is not empty and for
/// a text entry of a dictionary or list: there a blank value is an empty text, because several settings give "empty" a
/// meaning (no discovery peers, no excluded paths, nothing excluded from metrics, an app whose secret was lost). Values are trimmed, except <see cref="SecretAttribute"/> ones; a value the
/// binder cannot convert (<c>abc</c> for a number) fails the same way.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/> bound from <paramref name="section"/> (reloaded with the configuration),
    /// validated at start by its <see cref="IValidatedOptions.Validate"/>.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class, IValidatedOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new ValidatedOptionsValidator<T>(section)));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<T>>(new ConfigurationChangeTokenSource<T>(configuration)));
        return builder.Services.AddOptions<T>()
            .Configure(options => Bind(options, configuration, section))
            .ValidateOnStart();
    }

    /// <summary>
    /// As <see cref="AddValidatedOptions{T}"/>, for settings needed while services are still being registered: also
    /// binds and validates them now (<see cref="GetValidatedOptions{T}"/>), returns them and registers that value as a
    /// singleton of <typeparamref name="T"/> (the first registration wins).
    /// </summary>
    /// <exception cref="StartupConfigurationException">A value is malformed or breaks a rule.</exception>
    public static T AddValidatedOptionsNow<T>(this IHostApplicationBuilder builder, string section)
        where T : class, IValidatedOptions, new()
    {
        builder.AddValidatedOptions<T>(section);
        var value = builder.Configuration.GetValidatedOptions<T>(section);
        builder.Services.TryAddSingleton(value);
        return value;
    }

    /// <summary>
    /// Binds and validates <typeparamref name="T"/> now, for code that needs a setting while services are still
    /// being registered (the same binding and rules as <see cref="AddValidatedOptions{T}"/>).
    /// </summary>
    /// <exception cref="StartupConfigurationException">A value is malformed or breaks a rule.</exception>
    public static T GetValidatedOptions<T>(this IConfiguration configuration, string section)
        where T : class, IValidatedOptions, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new T();
        Bind(options, configuration, section);
        var problems = Check(options, section);
        return problems.Count == 0 ? options : throw StartupConfigurationException.FromLine(problems[0]);
    }

    internal static IReadOnlyList<string> Check(IValidatedOptions options, string section)
    {
        var check = new OptionsCheck(section);
        options.Validate(check);
        return check.Problems;
    }

    private static void Bind(object options, IConfiguration configuration, string section)
    {
        var source = section.Length == 0 ? configuration : configuration.GetSection(section);
        var type = options.GetType();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in source.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }
            var path = Relative(key, section);
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[key] = IsSecret(type, path) ? value : value.Trim();
            }
            else if (PropertyType(type, path) == typeof(string) && (Property(type, path) is null || DefaultText(type, path) is { Length: > 0 }))
            {
                values[key] = "";
            }
        }
        var cleaned = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        try
        {
            Section(cleaned, section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw Unreadable(type, values, section, ex);
        }
    }

    // The binder's error is several lines about types; find the one value it could not convert and name its key.
    private static StartupConfigurationException Unreadable(Type type, Dictionary<string, string?> values, string section, InvalidOperationException error)
    {
        foreach (var (key, value) in values)
        {
            var single = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, value)]).Build();
            try
            {
                Section(single, section).Bind(Activator.CreateInstance(type));
            }
            catch (InvalidOperationException)
            {
                var path = Relative(key, section);
                var shown = IsSecret(type, path) ? "The value" : $"'{value}'";
                return new StartupConfigurationException(key, $"{shown} {Expected(PropertyType(type, path))}", error);
            }
        }
        return new StartupConfigurationException(section, error.Message.ReplaceLineEndings(" "), error);
    }

    private static IConfiguration Section(IConfiguration configuration, string section) =>
        section.Length == 0 ? configuration : configuration.GetSection(section);

    private static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "cannot be read.",
            _ when type == typeof(bool) => "is not true or false.",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "is not a whole number.",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "is not a number.",
            _ when type == typeof(TimeSpan) => "is not a duration such as 00:00:30.",
            { IsEnum: true } => $"is not one of {string.Join(", ", Enum.GetNames(type))}.",
            _ => $"cannot be read as {type.Name}.",
        };
    }

    private static string Relative(string key, string section) =>
        section.Length == 0 ? key : key.Length > section.Length ? key[(section.Length + 1)..] : "";

    private static bool IsSecret(Type type, string path) => Property(type, path)?.IsDefined(typeof(SecretAttribute)) == true;

    private static Type? PropertyType(Type type, string path)
    {
        var property = Property(type, path);
        if (property is not null)
        {
            return property.PropertyType;
        }
        // An entry of a collection or dictionary property: its element type.
        var owner = Property(type, path[..Math.Max(0, path.LastIndexOf(':'))]);
        return owner?.PropertyType.GetGenericArguments().LastOrDefault() ?? owner?.PropertyType.GetElementType();
    }

    // The text a fresh options object holds at the path, or null (no default, or not a plain property).
    private static string? DefaultText(Type type, string path)
    {
        object? value = Activator.CreateInstance(type);
        foreach (var name in path.Split(':'))
        {
            value = value?.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.GetValue(value);
        }
        return value as string;
    }

    private static PropertyInfo? Property(Type type, string path)
    {
        PropertyInfo? property = null;
        foreach (var name in path.Split(':'))
        {
            property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return null;
            }
            type = property.PropertyType;
        }
        return property;
    }

}

/// <summary>
/// Runs <see cref="IValidatedOptions.Validate"/> for options bound from <paramref name="section"/>; each failure reads
/// <c>Section:Key: problem</c>. <see cref="ValidatedOptionsExtensions.AddValidatedOptions{T}"/> registers one.
/// </summary>
/// <typeparam name="T">The options class.</typeparam>
/// <param name="section">The section it is bound from, which prefixes every key.</param>
public class ValidatedOptionsValidator<T>(string section) : IValidateOptions<T>
    where T : class, IValidatedOptions
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ValidatedOptionsExtensions.Check(options, section) is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems)
            : ValidateOptionsResult.Success;
    }
}

using EStore.Platform.Hosting;

namespace EStore.Gateway.Aggregation;

/// <summary>Settings of the answers the gateway composes itself (<c>Gateway:Aggregation</c>).</summary>
public sealed class AggregationOptions : IValidatedOptions
{
    public const string Section = "Gateway:Aggregation";

    /// <summary>How long one service may take to answer its part; a slower part is reported missing.</summary>
    public int PartTimeoutSeconds { get; set; } = 5;

    /// <summary>How many distinct products of one order get their current names looked up.</summary>
    public int MaxProducts { get; set; } = 50;

    public void Validate(OptionsCheck check)
    {
        check.Range(PartTimeoutSeconds, 1, 60);
        check.Range(MaxProducts, 1, 500);
    }
}

using Microsoft.OpenApi;

namespace EStore.Platform.Hosting;

/// <summary>
/// Describes a query value that a type bound by its own <c>BindAsync</c> reads. OpenAPI cannot see inside such a
/// binder, so without this the value would be missing from the document; <see cref="OpenApiDefaults"/> adds one
/// optional query parameter per attribute to every operation that takes the type.
/// </summary>
/// <param name="name">The query parameter's name.</param>
/// <param name="type">Its JSON schema type.</param>
/// <param name="description">What it means, with its default and allowed range.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true)]
public sealed class QueryParameterAttribute(string name, JsonSchemaType type, string description) : Attribute
{
    /// <summary>The query parameter's name.</summary>
    public string Name { get; } = name;

    /// <summary>Its JSON schema type.</summary>
    public JsonSchemaType Type { get; } = type;

    /// <summary>What it means, with its default and allowed range.</summary>
    public string Description { get; } = description;
}

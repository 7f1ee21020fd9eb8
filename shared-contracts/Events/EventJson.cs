using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace EStore.Contracts.Events;

/// <summary>The one JSON format of event payloads: camelCase, enums as strings, decimals as numbers.</summary>
public static class EventJson
{
    /// <summary>The serializer options every producer and consumer uses.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serializes an event as its runtime type.</summary>
    public static string Serialize(IIntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return JsonSerializer.Serialize(@event, @event.GetType(), Options);
    }

    /// <summary>Reads an event of a known type from UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The payload is not valid JSON for <paramref name="type"/>.</exception>
    public static IIntegrationEvent Deserialize(ReadOnlySpan<byte> utf8Json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return JsonSerializer.Deserialize(utf8Json, type, Options) as IIntegrationEvent
            ?? throw new JsonException($"the payload is not a {type.Name}.");
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter() },
            // A missing non-nullable constructor argument is an error, not a silent null.
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitAggregateKey } },
        };
        options.MakeReadOnly();
        return options;
    }

    // The key is derived from the payload's ids and travels as the message key; [JsonIgnore] on the
    // abstract base property does not reach the records' overrides, so it is removed here.
    private static void OmitAggregateKey(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind == JsonTypeInfoKind.Object && typeof(IIntegrationEvent).IsAssignableFrom(typeInfo.Type))
        {
            var key = typeInfo.Properties.FirstOrDefault(p => p.Name == "aggregateKey");
            if (key is not null)
            {
                typeInfo.Properties.Remove(key);
            }
        }
    }
}

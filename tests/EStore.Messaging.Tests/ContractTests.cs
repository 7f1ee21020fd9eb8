using System.Text;
using System.Text.Json;
using EStore.Contracts;
using EStore.Contracts.Events;

namespace EStore.Messaging.Tests;

/// <summary>The event table of architecture.md and the JSON format, without a broker.</summary>
public sealed class ContractTests
{
    public static TheoryData<string, string> ArchitectureTopicTable => new()
    {
        { Topics.Identity, "UserRegistered EmailVerificationRequested EmailVerified PasswordResetRequested UserRoleChanged UserDisabled UserEnabled TokenRevoked" },
        { Topics.Shop, "ShopCreated ShopUpdated ShopStatusChanged" },
        { Topics.Product, "StockReserved StockReservationFailed StockReleased LowStockDetected ProductChanged" },
        { Topics.Order, "OrderCreated OrderConfirmed OrderCancelled OrderLineCancelled OrderShipped OrderDelivered" },
        { Topics.Payment, "PaymentSucceeded PaymentFailed PaymentRefunded" },
    };

    [Theory]
    [MemberData(nameof(ArchitectureTopicTable))]
    public void Every_event_of_the_architecture_topic_table_is_registered_on_its_topic(string topic, string events)
    {
        var registered = EventTypeRegistry.Default.All.Where(t => t.Topic == topic).Select(t => t.Name).Order();
        Assert.Equal(events.Split(' ').Order(), registered);
    }

    [Fact]
    public void Every_event_record_in_the_contracts_assembly_is_registered_under_its_type_name()
    {
        var records = typeof(IIntegrationEvent).Assembly.GetTypes()
            .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface).ToList();
        foreach (var type in records)
        {
            Assert.Equal(type.Name, EventTypeRegistry.Default.Get(type).Name);
        }
        // Nothing registered that is not a record of the assembly.
        Assert.Equal(records.Count, EventTypeRegistry.Default.All.Count);
    }

    [Fact]
    public void Registry_rejects_a_name_registered_twice()
    {
        var error = Assert.Throws<ArgumentException>(() => EventTypeRegistry.Default.With(EventType.Of<OrderCreated>("OrderCreated", Topics.Order)));
        Assert.Contains("registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_created_round_trips_through_json_with_decimal_amounts_and_its_version()
    {
        var order = PublishAndHandleTests.NewOrder();

        var json = EventJson.Serialize(order);
        var back = (OrderCreated)EventJson.Deserialize(Encoding.UTF8.GetBytes(json), typeof(OrderCreated));

        using var document = JsonDocument.Parse(json);
        Assert.Equal(29.20m, document.RootElement.GetProperty("total").GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", document.RootElement.GetProperty("total").GetProperty("currency").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
        Assert.False(document.RootElement.TryGetProperty("aggregateKey", out _));
        Assert.Equal(order.EventId, back.EventId);
        Assert.Equal(order.OccurredAt, back.OccurredAt);
        Assert.Equal(order.Lines.Select(l => (l.ProductId, l.VariantId, l.Quantity, l.UnitPrice)), back.Lines.Select(l => (l.ProductId, l.VariantId, l.Quantity, l.UnitPrice)));
        Assert.Equal(order.OrderId.ToString(), back.AggregateKey);
    }

    [Fact]
    public void Enums_are_written_as_names()
    {
        var cancelled = new OrderCancelled(Guid.NewGuid(), Guid.NewGuid(), CancelledBy.Customer, "changed my mind") { OccurredAt = DateTimeOffset.UnixEpoch };

        Assert.Contains("\"cancelledBy\":\"Customer\"", EventJson.Serialize(cancelled), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"orderId\":\"5d6c1c4e-2f57-4a43-9c0e-1b8f0f4d7a11\"}")]
    [InlineData("null")]
    public void A_payload_that_is_not_the_event_fails_to_deserialize(string payload)
    {
        Assert.Throws<JsonException>(() => EventJson.Deserialize(Encoding.UTF8.GetBytes(payload), typeof(OrderCancelled)));
    }
}

namespace EStore.Product.Data;

/// <summary>A product in the catalog. Variants, stock and shops arrive with the catalog issue.</summary>
public sealed class Product
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    public decimal Price { get; set; }
    public required string Currency { get; set; }
    public required string Category { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

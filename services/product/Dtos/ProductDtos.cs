namespace EStore.Product.Dtos;

/// <summary>A product as the catalog API shows it.</summary>
public sealed record ProductDto(Guid Id, string Name, string Description, decimal Price, string Currency, string Category);

/// <summary>One page of a list, with the total count for pagination.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int Size, int Total);

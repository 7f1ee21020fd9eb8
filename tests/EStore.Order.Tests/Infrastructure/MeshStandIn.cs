using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EStore.Order.Tests.Infrastructure;

/// <summary>
/// shop-, address-, cart- and product-service as order-service reads them, on real Kestrel in the test process: each
/// answers for the user named by the forwarded bearer token (its <c>sub</c>), so what is not theirs is 404 as at the real
/// services. Tests register what each user owns and read what the carts received.
/// </summary>
public sealed class MeshStandIn : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, ConcurrentBag<Guid>> _shops = new();
    private readonly ConcurrentDictionary<Guid, (Guid Owner, object Body)> _addresses = new();
    private readonly ConcurrentDictionary<Guid, Guid> _carts = new();
    private readonly ConcurrentDictionary<Guid, object> _variants = new();
    private PlatformApp _app = null!;

    /// <summary>Lines the carts received: (cart, variant, quantity), in order.</summary>
    public ConcurrentQueue<(Guid CartId, Guid VariantId, int Quantity)> CartLines { get; } = new();

    public Uri BaseAddress => _app.BaseAddress;

    public static async Task<MeshStandIn> StartAsync()
    {
        var standIn = new MeshStandIn();
        standIn._app = await PlatformApp.StartAsync("order-mesh-stand-in", map: standIn.Map);
        return standIn;
    }

    public void AddShop(Guid ownerId, Guid shopId) => _shops.GetOrAdd(ownerId, _ => []).Add(shopId);

    /// <summary>An address of <paramref name="ownerId"/> at address-service; returns its id.</summary>
    public Guid AddAddress(Guid ownerId, string line1, string city)
    {
        var id = Guid.NewGuid();
        _addresses[id] = (ownerId, new
        {
            id,
            recipientName = "Ada Buyer",
            line1,
            line2 = (string?)null,
            city,
            region = (string?)null,
            postalCode = "10115",
            country = "DE",
            phone = "+49301234567",
            isDefaultShipping = false,
        });
        return id;
    }

    /// <summary>A cart of <paramref name="ownerId"/>; returns its id.</summary>
    public Guid AddCart(Guid ownerId)
    {
        var id = Guid.NewGuid();
        _carts[id] = ownerId;
        return id;
    }

    /// <summary>A variant as product-service's lookup shows it; <paramref name="available"/> units.</summary>
    public void AddVariant(Guid variantId, Guid productId, int available, string state = "AVAILABLE") =>
        _variants[variantId] = new
        {
            variantId,
            state,
            productId,
            productName = "Mug",
            variantName = "Blue",
            shopId = Guid.NewGuid(),
            price = 12.50m,
            currency = "EUR",
            available,
        };

    private void Map(WebApplication app)
    {
        app.MapGet("/api/shops/mine", (HttpContext http) =>
            Results.Ok(_shops.GetValueOrDefault(Caller(http))?.Select(id => new { id }).ToList() ?? []));
        app.MapGet("/api/addresses/{id:guid}", (Guid id, HttpContext http) =>
            _addresses.TryGetValue(id, out var address) && address.Owner == Caller(http) ? Results.Ok(address.Body) : Results.NotFound());
        app.MapGet("/api/carts", (HttpContext http) =>
            Results.Ok(_carts.Where(c => c.Value == Caller(http)).Select(c => new { id = c.Key }).ToList()));
        app.MapGet("/api/carts/{id:guid}", (Guid id, HttpContext http) =>
            _carts.TryGetValue(id, out var owner) && owner == Caller(http) ? Results.Ok(new { id, lines = Array.Empty<object>() }) : Results.NotFound());
        app.MapPost("/api/carts/{id:guid}/items", (Guid id, CartItem item, HttpContext http) =>
        {
            if (!_carts.TryGetValue(id, out var owner) || owner != Caller(http))
            {
                return Results.NotFound();
            }
            CartLines.Enqueue((id, item.VariantId, item.Quantity));
            return Results.Ok(new { id });
        });
        app.MapGet("/api/products/variants", (Guid[] ids) =>
            Results.Ok(ids.Where(_variants.ContainsKey).Select(id => _variants[id]).ToList()));
    }

    // The stand-in trusts the token order-service forwards (order-service itself checked its signature).
    private static Guid Caller(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var parts = header["Bearer ".Length..].Split('.');
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return Guid.Parse(json.RootElement.GetProperty("sub").GetString()!);
    }

    private sealed record CartItem(Guid VariantId, int Quantity);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

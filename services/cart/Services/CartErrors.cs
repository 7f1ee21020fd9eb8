using EStore.Platform.Errors;

namespace EStore.Cart.Services;

/// <summary>The refusals particular to carts (the platform turns them into problems like any other).</summary>
public static class CartErrors
{
    /// <summary>The problem member holding how many units are available.</summary>
    public const string AvailableMember = "available";

    /// <summary>product-service could not be asked: an add or a quantity change answers 503 and changes nothing.</summary>
    public static Error ProductServiceDown { get; } =
        Error.Unavailable("Prices and stock cannot be checked right now (product-service is unavailable); try again shortly.");

    /// <summary>A 409 whose body carries the available count.</summary>
    public static Error NotEnoughStock(int available) =>
        Error.Conflict(available <= 0 ? "This variant is out of stock." : $"Only {available} of this variant available.")
            with
        { Extensions = new Dictionary<string, object?> { [AvailableMember] = available } };

    public static Error CartNotFound(Guid id) => Error.NotFound($"Cart {id} does not exist.");

    public static Error GuestCartNotFound { get; } = Error.NotFound("No guest cart is bound to this cart token (it may have expired).");

    public static Error ReadOnlyForAdmins { get; } = Error.Forbidden("Administrators may read other users' carts but not change them.");
}

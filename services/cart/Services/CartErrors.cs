using System.Globalization;
using EStore.Platform.Errors;

namespace EStore.Cart.Services;

/// <summary>The refusals particular to carts; the API maps them to problems in one place (Apis/CartProblems).</summary>
public static class CartErrors
{
    /// <summary>The problem member (and <c>errors</c> entry) holding how many units are available.</summary>
    public const string AvailableMember = "available";

    /// <summary>product-service could not be asked: an add or a quantity change answers 503 and changes nothing.</summary>
    public static Error ProductServiceDown { get; } =
        Error.Conflict("Prices and stock cannot be checked right now (product-service is unavailable); try again shortly.");

    /// <summary>A 409 whose body carries the available count.</summary>
    public static Error NotEnoughStock(int available) => new(
        ErrorKind.Conflict,
        available <= 0 ? "This variant is out of stock." : $"Only {available} of this variant available.",
        new Dictionary<string, string[]> { [AvailableMember] = [available.ToString(CultureInfo.InvariantCulture)] });

    public static Error CartNotFound(Guid id) => Error.NotFound($"Cart {id} does not exist.");

    public static Error GuestCartNotFound { get; } = Error.NotFound("No guest cart is bound to this cart token (it may have expired).");

    public static Error ReadOnlyForAdmins { get; } = Error.Forbidden("Administrators may read other users' carts but not change them.");
}

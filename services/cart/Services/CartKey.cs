using EStore.Platform.Security;

namespace EStore.Cart.Services;

/// <summary>Which cart a request means, and who asks: a signed-in caller naming a cart id, or a guest's cart token.</summary>
public abstract record CartKey;

/// <summary>Cart <paramref name="CartId"/> asked for by <paramref name="Caller"/> (the owner, or an administrator reading).</summary>
public sealed record UserCartKey(CurrentUser Caller, Guid CartId) : CartKey;

/// <summary>The guest cart bound to <paramref name="Token"/> (the <c>X-Cart-Token</c> header).</summary>
public sealed record GuestCartKey(string Token) : CartKey;

using EStore.Address.Dtos;
using EStore.Address.Services;
using EStore.Platform.Errors;
using EStore.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Address.Apis;

/// <summary><c>/api/addresses</c>: the caller's address book, every endpoint for signed-in callers.</summary>
public static class AddressApi
{
    public static IEndpointRouteBuilder MapAddressApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/addresses").WithTags("Address")
            .RequireAuthorization(AuthorizationPolicies.Authenticated);
        group.MapGet("", async (AddressCaller caller, AddressBookService book, CancellationToken ct) =>
            TypedResults.Ok(await book.ListAsync(caller, ct)));
        group.MapPost("", CreateAsync);
        // Also order-service's checkout snapshot, called with the customer's forwarded token.
        group.MapGet("/{id:guid}", async (Guid id, AddressCaller caller, AddressBookService book, CancellationToken ct) =>
            (await book.GetAsync(id, caller, ct)).ToOk());
        group.MapPut("/{id:guid}", async (Guid id, AddressCaller caller, AddressRequest request, AddressBookService book, CancellationToken ct) =>
            (await book.UpdateAsync(id, caller, request, ct)).ToOk());
        group.MapDelete("/{id:guid}", async (Guid id, AddressCaller caller, AddressBookService book, CancellationToken ct) =>
            (await book.DeleteAsync(id, caller, ct)).ToNoContent());
        group.MapPut("/{id:guid}/default-shipping", async (Guid id, AddressCaller caller, AddressBookService book, CancellationToken ct) =>
            (await book.SetDefaultAsync(id, DefaultKind.Shipping, caller, ct)).ToOk());
        group.MapPut("/{id:guid}/default-billing", async (Guid id, AddressCaller caller, AddressBookService book, CancellationToken ct) =>
            (await book.SetDefaultAsync(id, DefaultKind.Billing, caller, ct)).ToOk());

        // The whole prefix is behind a token here too, not only at the gateway: a path no endpoint serves answers 401
        // without one and the platform's 404 problem with one.
        group.MapUnknownPaths();
        return endpoints;
    }

    private static async Task<Results<Created<AddressDto>, ProblemResult>> CreateAsync(
        AddressCaller caller, AddressRequest request, AddressBookService book, CancellationToken cancellationToken) =>
        (await book.CreateAsync(caller, request, cancellationToken)).ToHttpResult(a => TypedResults.Created($"/api/addresses/{a.Id}", a));
}

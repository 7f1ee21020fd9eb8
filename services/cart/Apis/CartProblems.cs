using System.Globalization;
using EStore.Cart.Services;
using EStore.Platform.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EStore.Cart.Apis;

/// <summary>
/// The one place cart results become answers: the platform's problem for every <see cref="Error"/>, plus what only
/// carts have: 503 when product-service cannot check an add, and the <c>available</c> count on a 409 for stock.
/// </summary>
internal static class CartProblems
{
    public static Results<Ok<T>, ProblemHttpResult> AsOk<T>(this Result<T> result) =>
        result.Error is { } error ? error.AsProblem() : TypedResults.Ok(result.Value!);

    public static Results<NoContent, ProblemHttpResult> AsNoContent(this Result result) =>
        result.Error is { } error ? error.AsProblem() : TypedResults.NoContent();

    public static ProblemHttpResult AsProblem(this Error error)
    {
        var problem = error.ToProblemDetails();
        if (ReferenceEquals(error, CartErrors.ProductServiceDown))
        {
            problem.Status = StatusCodes.Status503ServiceUnavailable;
        }
        else if (error.Fields?.GetValueOrDefault(CartErrors.AvailableMember) is [var text]
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var available))
        {
            problem.Extensions[CartErrors.AvailableMember] = available;
        }
        return TypedResults.Problem(problem);
    }
}

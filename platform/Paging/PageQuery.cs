using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace EStore.Platform.Paging;

/// <summary>
/// The <c>page</c> and <c>size</c> query values of a paged listing, read as text so that a malformed or out-of-range
/// value gets a 400 problem naming the parameter (never a binding failure, never an overflowing offset).
/// </summary>
public readonly record struct PageQuery(int Page, int Size)
{
    /// <summary>
    /// The highest page number any listing accepts. With page sizes up to a few hundred the row offset
    /// (<c>(page - 1) * size</c>) stays in the low millions: far from <see cref="int.MaxValue"/>, and a deep
    /// offset a client cannot use to make the database walk the whole table.
    /// </summary>
    public const int MaxPage = 10_000;

    /// <summary>The number of rows to skip: <c>(Page - 1) * Size</c>, computed in 64 bits.</summary>
    public int Offset => checked((int)(((long)Page - 1) * Size));

    /// <summary>
    /// Reads <paramref name="page"/> (default 1, at most <see cref="MaxPage"/>) and <paramref name="size"/>
    /// (default <paramref name="defaultSize"/>, at most <paramref name="maxSize"/>).
    /// </summary>
    /// <param name="page">The raw <c>page</c> query value, or null.</param>
    /// <param name="size">The raw <c>size</c> query value, or null.</param>
    /// <param name="defaultSize">The size when none is given.</param>
    /// <param name="maxSize">The largest size allowed.</param>
    /// <param name="query">The page when valid.</param>
    /// <param name="problem">When invalid: a 400 problem whose <c>errors</c> name <c>page</c> or <c>size</c>.</param>
    /// <returns>True when both values are valid.</returns>
    public static bool TryParse(string? page, string? size, int defaultSize, int maxSize, out PageQuery query, [NotNullWhen(false)] out IResult? problem)
    {
        query = default;
        if (!TryParseBounded(page, 1, 1, MaxPage, out var pageNumber))
        {
            problem = Invalid("page", $"'page' must be a whole number from 1 to {MaxPage}.");
            return false;
        }
        if (!TryParseBounded(size, defaultSize, 1, maxSize, out var pageSize))
        {
            problem = Invalid("size", $"'size' must be a whole number from 1 to {maxSize}.");
            return false;
        }
        query = new PageQuery(pageNumber, pageSize);
        problem = null;
        return true;
    }

    /// <summary>
    /// Reads a whole number in [<paramref name="min"/>, <paramref name="max"/>]; an absent value is
    /// <paramref name="fallback"/>. Digits only (an optional leading minus), invariant culture.
    /// </summary>
    /// <param name="text">The raw query value, or null.</param>
    /// <param name="fallback">The value when <paramref name="text"/> is null or empty.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <param name="value">The value read.</param>
    /// <returns>True when absent or a number within the bounds.</returns>
    public static bool TryParseBounded(string? text, int fallback, int min, int max, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    private static IResult Invalid(string name, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [name] = [message] }, message, statusCode: StatusCodes.Status400BadRequest);
}

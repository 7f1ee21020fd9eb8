using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using EStore.Platform.Errors;
using EStore.Platform.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace EStore.Platform.Paging;

/// <summary>
/// The <c>page</c> and <c>size</c> query values of a paged listing. An endpoint takes it as a parameter (bound by
/// <see cref="BindAsync"/>); a malformed or out-of-range value answers a 400 problem naming the parameter and the
/// allowed range under <c>errors</c> (never a bare binding failure, never an overflowing offset).
/// </summary>
[QueryParameter("page", JsonSchemaType.Integer, "The page number, from 1 (the default) to 10000.")]
[QueryParameter("size", JsonSchemaType.Integer, "Items per page, from 1 to 100; 20 when not given.")]
public readonly record struct PageQuery(int Page, int Size)
{
    /// <summary>The page size when the client names none.</summary>
    public const int DefaultSize = 20;

    /// <summary>The largest page size any listing accepts.</summary>
    public const int MaxSize = 100;

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
    /// <param name="error">When invalid: a 400 whose <c>errors</c> name <c>page</c> or <c>size</c>.</param>
    /// <returns>True when both values are valid.</returns>
    public static bool TryParse(string? page, string? size, int defaultSize, int maxSize, out PageQuery query, [NotNullWhen(false)] out Error? error)
    {
        query = default;
        var pageError = Bounded("page", page, 1, 1, MaxPage, out var pageNumber);
        var sizeError = Bounded("size", size, defaultSize, 1, maxSize, out var pageSize);
        error = pageError ?? sizeError;
        if (error is not null)
        {
            return false;
        }
        query = new PageQuery(pageNumber, pageSize);
        return true;
    }

    /// <summary>
    /// Binds <c>?page=</c> (default 1, at most <see cref="MaxPage"/>) and <c>?size=</c> (default <see cref="DefaultSize"/>,
    /// at most <see cref="MaxSize"/>) for an endpoint parameter; an invalid value throws the 400 as a <see cref="ProblemException"/>.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The page.</returns>
    public static ValueTask<PageQuery?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var query = context.Request.Query;
        return TryParse(query["page"], query["size"], DefaultSize, MaxSize, out var page, out var error)
            ? ValueTask.FromResult<PageQuery?>(page)
            : throw new ProblemException(error);
    }

    /// <summary>
    /// The one reading of a bounded whole-number query value: null when <paramref name="text"/> is absent
    /// (<paramref name="value"/> is then <paramref name="fallback"/>) or within [<paramref name="min"/>, <paramref name="max"/>];
    /// otherwise the 400 naming <paramref name="name"/> and the allowed range.
    /// </summary>
    /// <param name="name">The query parameter's name.</param>
    /// <param name="text">The raw query value, or null.</param>
    /// <param name="fallback">The value when absent.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    /// <param name="value">The value read.</param>
    /// <returns>Null when valid, else the error.</returns>
    public static Error? Bounded(string name, string? text, int fallback, int min, int max, out int value) =>
        TryParseBounded(text, fallback, min, max, out value) ? null : Error.BadValue(name, $"'{name}' must be a whole number from {min} to {max}.");

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
}

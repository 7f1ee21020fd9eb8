using EStore.Platform.Text;
using EStore.Product.Dtos;

namespace EStore.Product.Services;

/// <summary>Field validation of product and variant requests.</summary>
public static class ProductRules
{
    public const int DefaultLowStockThreshold = 5;
    private const decimal MaxPrice = 1_000_000m;
    private const int MaxStock = 1_000_000;

    public static Dictionary<string, string[]> Validate(ProductRequest request, bool requireVariants)
    {
        var errors = new Dictionary<string, string[]>();
        if (Forbidden(request.Name) is { } forbidden)
        {
            errors["name"] = [forbidden];
        }
        else if (CleanName(request.Name) is not { Length: <= 200 })
        {
            errors["name"] = ["Required, at most 200 characters."];
        }
        if (request.Description is { Length: > 4000 })
        {
            errors["description"] = ["At most 4000 characters."];
        }
        if (!IsPrice(request.Price))
        {
            errors["price"] = [$"Required, from 0 to {MaxPrice} with at most two decimals."];
        }
        if (request.Currency is { } currency && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            errors["currency"] = ["An ISO 4217 code such as EUR."];
        }
        if (requireVariants)
        {
            if (request.Variants is not { Count: > 0 and <= 100 })
            {
                errors["variants"] = ["One to 100 variants."];
            }
            else
            {
                for (var i = 0; i < request.Variants.Count; i++)
                {
                    ValidateVariant(request.Variants[i], $"variants[{i}].", errors);
                }
                if (request.Variants.Select(v => v.Sku?.Trim()).Distinct(StringComparer.Ordinal).Count() != request.Variants.Count)
                {
                    errors["variants"] = ["SKUs must differ."];
                }
            }
        }
        return errors;
    }

    public static void ValidateVariant(VariantRequest variant, string prefix, Dictionary<string, string[]> errors)
    {
        var sku = variant.Sku?.Trim();
        if (string.IsNullOrEmpty(sku) || sku.Length > 64 || !sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors[prefix + "sku"] = ["Required, up to 64 letters, digits, '-', '_' or '.'."];
        }
        if (Forbidden(variant.Name) is { } forbidden)
        {
            errors[prefix + "name"] = [forbidden];
        }
        else if (CleanName(variant.Name) is { Length: > 100 })
        {
            errors[prefix + "name"] = ["At most 100 characters."];
        }
        if (variant.Price is not null && !IsPrice(variant.Price))
        {
            errors[prefix + "price"] = [$"From 0 to {MaxPrice} with at most two decimals."];
        }
        if (variant.Stock is < 0 or > MaxStock)
        {
            errors[prefix + "stock"] = [$"From 0 to {MaxStock}."];
        }
        if (variant.LowStockThreshold is < 0 or > MaxStock)
        {
            errors[prefix + "lowStockThreshold"] = [$"From 0 to {MaxStock}."];
        }
    }

    /// <summary>
    /// A product or variant name as stored: NFKC-normalised, trimmed, inner white space collapsed
    /// (<see cref="UnicodeText.Normalize"/>); null when absent or blank.
    /// </summary>
    public static string? CleanName(string? name) =>
        name is null ? null : UnicodeText.Normalize(name) is { Length: > 0 } clean ? clean : null;

    // Zero-width, bidi, control and undefined characters make a name render differently from what it is.
    private static string? Forbidden(string? name) =>
        name is not null && UnicodeText.FindForbidden(name) is { } what ? $"Must not contain {what}." : null;

    public static string CurrencyOf(ProductRequest request) => request.Currency ?? "EUR";

    private static bool IsPrice(decimal? price) => price is { } p && p >= 0 && p <= MaxPrice && decimal.Round(p, 2) == p;
}

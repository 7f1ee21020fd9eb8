using System.Net.Mail;
using System.Text;
using EStore.Shop.Data;
using EStore.Shop.Dtos;

namespace EStore.Shop.Services;

/// <summary>Validation of shop profiles and slug generation.</summary>
public static class ShopRules
{
    /// <summary>Trims the request and returns the field errors (empty when valid).</summary>
    public static Dictionary<string, string[]> Validate(ShopRequest request, out ShopRequest clean)
    {
        var errors = new Dictionary<string, string[]>();
        clean = new ShopRequest(
            Trim(request.Name), Trim(request.Description), Trim(request.Category), Trim(request.LogoUrl),
            Trim(request.ContactEmail), Trim(request.ContactPhone), Trim(request.Address), Trim(request.OpeningHours));

        if (clean.Name is null || clean.Name.Length < 2 || clean.Name.Length > ShopRulesLimits.Name)
        {
            errors["name"] = [$"Required, 2 to {ShopRulesLimits.Name} characters."];
        }
        else if (Slugify(clean.Name).Length == 0)
        {
            errors["name"] = ["Must contain at least one letter or digit."];
        }
        else if (clean.Name.Any(char.IsControl))
        {
            errors["name"] = ["Must not contain control characters."];
        }
        MaxLength(errors, "description", clean.Description, ShopRulesLimits.Description);
        MaxLength(errors, "category", clean.Category, ShopRulesLimits.Category);
        MaxLength(errors, "address", clean.Address, ShopRulesLimits.Address);
        MaxLength(errors, "openingHours", clean.OpeningHours, ShopRulesLimits.OpeningHours);
        if (clean.LogoUrl is not null
            && (clean.LogoUrl.Length > ShopRulesLimits.Url
                || !Uri.TryCreate(clean.LogoUrl, UriKind.Absolute, out var logo)
                || (logo.Scheme != Uri.UriSchemeHttps && logo.Scheme != Uri.UriSchemeHttp)))
        {
            errors["logoUrl"] = [$"Must be an absolute http(s) URL of at most {ShopRulesLimits.Url} characters."];
        }
        if (clean.ContactEmail is null || !IsEmail(clean.ContactEmail))
        {
            errors["contactEmail"] = ["Required, a valid e-mail address."];
        }
        if (clean.ContactPhone is not null
            && (clean.ContactPhone.Length > ShopRulesLimits.Phone
                || clean.ContactPhone.Count(char.IsAsciiDigit) < 5
                || !clean.ContactPhone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '/')))
        {
            errors["contactPhone"] = ["Digits with optional + ( ) - / and spaces, at least 5 digits."];
        }
        return errors;
    }

    /// <summary>The key that makes names unique regardless of case and surrounding space.</summary>
    public static string Normalize(string text) => text.Trim().ToUpperInvariant();

    /// <summary>A URL-safe slug: lower-case ASCII letters and digits separated by single hyphens.</summary>
    public static string Slugify(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            // Invariant globalization has no Unicode decomposition, so fold Latin-1 accents by table ("Café" -> "cafe").
            var folded = char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c).ToString() : Fold(c);
            if (folded.Length > 0)
            {
                slug.Append(folded);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        return slug.ToString().Trim('-');
    }

    private const string Accented = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿ";
    private const string Plain = "aaaaaaceeeeiiiinoooooouuuuyy";

    private static string Fold(char c)
    {
        var lower = char.ToLowerInvariant(c);
        var index = Accented.IndexOf(lower, StringComparison.Ordinal);
        return index >= 0 ? Plain[index].ToString() : lower switch
        {
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            _ => "",
        };
    }

    private static bool IsEmail(string text) =>
        text.Length <= ShopRulesLimits.Email && MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);

    private static void MaxLength(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value is { Length: var length } && length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

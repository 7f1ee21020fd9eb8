using System.Net.Mail;
using System.Text;
using EStore.Platform.Text;
using EStore.Shop.Data;
using EStore.Shop.Dtos;

namespace EStore.Shop.Services;

/// <summary>Validation of shop profiles and slug generation.</summary>
public static class ShopRules
{
    /// <summary>
    /// Cleans the request (the name NFKC-normalised with white space collapsed, <see cref="UnicodeText.Normalize"/>;
    /// other fields trimmed) and returns the field errors (empty when valid).
    /// </summary>
    public static Dictionary<string, string[]> Validate(ShopRequest request, out ShopRequest clean)
    {
        var errors = new Dictionary<string, string[]>();
        // Invisible and undefined characters are refused before normalisation, which would keep most of them anyway.
        var forbidden = request.Name is null ? null : UnicodeText.FindForbidden(request.Name);
        clean = new ShopRequest(
            request.Name is null ? null : NullIfEmpty(UnicodeText.Normalize(request.Name)), Trim(request.Description), Trim(request.Category), Trim(request.LogoUrl),
            Trim(request.ContactEmail), Trim(request.ContactPhone), Trim(request.Address), Trim(request.OpeningHours));

        if (forbidden is not null)
        {
            errors["name"] = [$"Must not contain {forbidden}: invisible, control and undefined characters can make a name look like another."];
        }
        else if (clean.Name is null || clean.Name.Length < 2 || clean.Name.Length > ShopRulesLimits.Name)
        {
            errors["name"] = [$"Required, 2 to {ShopRulesLimits.Name} characters."];
        }
        else if (Slugify(clean.Name).Length == 0)
        {
            errors["name"] = ["Must contain at least one letter or digit."];
        }
        else if (UnicodeText.Skeleton(clean.Name).Length > ShopRulesLimits.Skeleton)
        {
            errors["name"] = ["Too many characters that decompose into several letters."];
        }
        MaxLength(errors, "description", clean.Description, ShopRulesLimits.Description);
        MaxLength(errors, "category", clean.Category, ShopRulesLimits.Category);
        // The stored key (NFKC) can be longer than the text: "ﷺ" is one character, its key eighteen.
        MaxLength(errors, "category", clean.Category is null ? null : UnicodeText.ComparisonKey(clean.Category), ShopRulesLimits.Category);
        MaxLength(errors, "address", clean.Address, ShopRulesLimits.Address);
        MaxLength(errors, "openingHours", clean.OpeningHours, ShopRulesLimits.OpeningHours);
        if (clean.LogoUrl is not null
            && (clean.LogoUrl.Length > ShopRulesLimits.Url
                || !Uri.TryCreate(clean.LogoUrl, UriKind.Absolute, out var logo)
                || (logo.Scheme != Uri.UriSchemeHttps && logo.Scheme != Uri.UriSchemeHttp)))
        {
            errors["logoUrl"] = [$"Must be an absolute http(s) URL of at most {ShopRulesLimits.Url} characters."];
        }
        if (clean.ContactEmail is null)
        {
            errors["contactEmail"] = ["Required: the address shown publicly as the shop's contact (your login e-mail is not used unless you enter it here)."];
        }
        else if (!IsEmail(clean.ContactEmail))
        {
            errors["contactEmail"] = ["Must be a valid e-mail address."];
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

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

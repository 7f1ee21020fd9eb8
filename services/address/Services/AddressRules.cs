using EStore.Address.Data;
using EStore.Address.Dtos;
using EStore.Platform.Text;

namespace EStore.Address.Services;

/// <summary>Validates an address request field by field and returns it in the form it is stored in.</summary>
public static class AddressRules
{
    // Longer than a code, so that "Germany" hears "use the code", not "too long".
    private const int CountryInput = 64;

    /// <summary>The field errors (empty when valid) and, in <paramref name="clean"/>, the normalised values.</summary>
    public static Dictionary<string, string[]> Validate(AddressRequest request, out AddressRequest clean)
    {
        var errors = new Dictionary<string, string[]>();
        var label = Text(errors, "label", request.Label, AddressLimits.Label, required: false);
        var recipient = Text(errors, "recipientName", request.RecipientName, AddressLimits.RecipientName, required: true);
        var line1 = Text(errors, "line1", request.Line1, AddressLimits.Line, required: true);
        var line2 = Text(errors, "line2", request.Line2, AddressLimits.Line, required: false);
        var city = Text(errors, "city", request.City, AddressLimits.City, required: true);
        var region = Text(errors, "region", request.Region, AddressLimits.Region, required: false);

        var countryText = Text(errors, "country", request.Country, CountryInput, required: true);
        string? country = null;
        if (countryText is not null)
        {
            country = Countries.Normalize(countryText);
            if (country is null)
            {
                errors["country"] = [countryText.Equals("UK", StringComparison.OrdinalIgnoreCase)
                    ? "Must be an ISO 3166-1 alpha-2 code: the United Kingdom is GB."
                    : "Must be an ISO 3166-1 alpha-2 country code such as US, DE or JP."];
            }
        }

        var postalText = Text(errors, "postalCode", request.PostalCode, AddressLimits.PostalCode, required: false);
        var postal = postalText;
        if (country is not null && PostalCodes.IsChecked(country))
        {
            if (postalText is null && !errors.ContainsKey("postalCode"))
            {
                errors["postalCode"] = [$"Required for {country}."];
            }
            else if (postalText is not null)
            {
                postal = PostalCodes.Normalize(country, postalText, out var example);
                if (postal is null)
                {
                    errors["postalCode"] = [$"Not a {country} postal code; expected the form {example}."];
                }
            }
        }
        else if (postalText is not null)
        {
            postal = postalText.ToUpperInvariant();
        }

        var phoneText = Text(errors, "phone", request.Phone, AddressLimits.PhoneInput, required: true);
        string? phone = null;
        if (phoneText is not null)
        {
            phone = PhoneNumbers.Normalize(phoneText);
            if (phone is null)
            {
                errors["phone"] = ["Must be an international number: + (or 00), the country code and the number, 8 to 15 digits in all; spaces, dashes, dots and parentheses are ignored."];
            }
        }

        clean = new AddressRequest(label, recipient, line1, line2, city, region, postal, country, phone);
        return errors;
    }

    // NFKC with white space collapsed (full-width digits and letters become plain ones); invisible, control and
    // bidirectional characters are refused, since a label printed from them could read differently from what is stored.
    private static string? Text(Dictionary<string, string[]> errors, string field, string? value, int max, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors[field] = ["Required."];
            }
            return null;
        }
        if (UnicodeText.FindForbidden(value) is { } forbidden)
        {
            errors[field] = [$"Must not contain {forbidden}."];
            return null;
        }
        var text = UnicodeText.Normalize(value);
        if (text.Length == 0)
        {
            if (required)
            {
                errors[field] = ["Required."];
            }
            return null;
        }
        if (text.Length > max)
        {
            errors[field] = [$"At most {max} characters."];
            return null;
        }
        return text;
    }
}

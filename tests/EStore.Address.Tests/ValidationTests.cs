using System.Net;
using System.Text.Json;
using EStore.Address.Services;
using EStore.Address.Tests.Infrastructure;
using EStore.Platform.Errors;

namespace EStore.Address.Tests;

/// <summary>Field rules (422 naming each failing field), normalised storage, and bad input that changes nothing.</summary>
public sealed class ValidationTests(AddressStack stack) : IClassFixture<AddressStack>
{
    private const string Prefix = AddressStack.Prefix;

    [Fact]
    public async Task An_empty_address_names_every_required_field()
    {
        var (_, token) = stack.Customer();

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, new { label = "Home", line2 = "  " }, token);

        var errors = await ErrorsAsync(response);
        Assert.Equal(["city", "country", "line1", "phone", "recipientName"], errors.Keys.Order());
        Assert.Empty(await stack.ListAsync(token));
    }

    [Theory]
    [InlineData("label", 41)]
    [InlineData("recipientName", 101)]
    [InlineData("line1", 101)]
    [InlineData("line2", 101)]
    [InlineData("city", 81)]
    [InlineData("region", 81)]
    public async Task A_field_over_its_length_is_422_naming_it(string field, int length)
    {
        var (_, token) = stack.Customer();

        using var atLimit = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.With(field, new string('a', length - 1)), token);
        using var over = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.With(field, new string('a', length)), token);

        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal([field], (await ErrorsAsync(over)).Keys);
        Assert.Single(await stack.ListAsync(token));
    }

    [Theory]
    [InlineData("recipientName", "Ada\u202ELovelace")]
    [InlineData("line1", "12\u0000 Square")]
    [InlineData("city", "Lon\u200Bdon")]
    public async Task Invisible_and_control_characters_are_refused(string field, string value)
    {
        var (_, token) = stack.Customer();

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.With(field, value), token);

        Assert.Equal([field], (await ErrorsAsync(response)).Keys);
    }

    [Theory]
    [InlineData("UK", "GB")]
    [InlineData("XK", null)]
    [InlineData("Germany", "code")]
    [InlineData("D", "code")]
    [InlineData("ZZ", "code")]
    public async Task A_country_must_be_an_assigned_ISO_3166_alpha_2_code(string country, string? hint)
    {
        var (_, token) = stack.Customer();
        var body = AddressBodies.With("country", country);
        body["postalCode"] = null;

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, body, token);

        var errors = await ErrorsAsync(response);
        Assert.Equal(["country"], errors.Keys);
        if (hint is not null)
        {
            Assert.Contains(hint, errors["country"][0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_country_table_holds_the_249_assigned_codes()
    {
        Assert.Equal(249, Countries.All.Count);
        Assert.All(Countries.All, c => Assert.Matches("^[A-Z]{2}$", c));
        Assert.Contains("AX", Countries.All);
        Assert.DoesNotContain("UK", Countries.All);
    }

    [Theory]
    [InlineData("US", "10001", "10001")]
    [InlineData("US", "10001 2345", "10001-2345")]
    [InlineData("US", "100012345", "10001-2345")]
    [InlineData("CA", "k1a0b1", "K1A 0B1")]
    [InlineData("GB", "ec1a1bb", "EC1A 1BB")]
    [InlineData("GB", "M1 1AE", "M1 1AE")]
    [InlineData("DE", "10115", "10115")]
    [InlineData("FR", "75008", "75008")]
    [InlineData("NL", "1012ab", "1012 AB")]
    [InlineData("IN", "110 001", "110001")]
    [InlineData("AU", "2000", "2000")]
    [InlineData("JP", "1000001", "100-0001")]
    [InlineData("BR", "01310100", "01310-100")]
    [InlineData("IE", "d02 x285", "D02 X285")]
    [InlineData("CH", "8001", "8001")]
    public async Task A_postal_code_is_stored_in_its_countrys_form(string country, string postalCode, string stored)
    {
        var (_, token) = stack.Customer();
        var body = AddressBodies.With("country", country);
        body["postalCode"] = postalCode;

        var added = await stack.AddAsync(token, body);

        Assert.Equal(stored, added.GetProperty("postalCode").GetString());
        Assert.Equal(country, added.GetProperty("country").GetString());
    }

    [Theory]
    [InlineData("US", "1234")]
    [InlineData("US", "ABCDE")]
    [InlineData("CA", "D1A 0B1")]
    [InlineData("GB", "SW1A")]
    [InlineData("DE", "1011")]
    [InlineData("FR", "750080")]
    [InlineData("NL", "0123 AB")]
    [InlineData("NL", "1012 SS")]
    [InlineData("IN", "011001")]
    [InlineData("AU", "20000")]
    [InlineData("JP", "100-001")]
    [InlineData("BR", "01310-10")]
    [InlineData("DE", null)]
    [InlineData("IE", "D02 X285 D02 X285 D02")]
    public async Task A_postal_code_that_does_not_fit_is_422_on_postalCode(string country, string? postalCode)
    {
        var (_, token) = stack.Customer();
        var body = AddressBodies.With("country", country);
        body["postalCode"] = postalCode;

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, body, token);

        Assert.Equal(["postalCode"], (await ErrorsAsync(response)).Keys);
        Assert.Empty(await stack.ListAsync(token));
    }

    [Fact]
    public async Task A_country_without_a_checked_format_needs_no_postal_code()
    {
        var (_, token) = stack.Customer();
        var body = AddressBodies.With("country", "HK");
        body["postalCode"] = null;

        var added = await stack.AddAsync(token, body);

        Assert.False(added.TryGetProperty("postalCode", out _));
    }

    [Theory]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("0044 (20) 7946-0958", "+442079460958")]
    [InlineData("+1.202.456.1111", "+12024561111")]
    [InlineData("＋８１ ３ １２３４ ５６７８", "+81312345678")]
    [InlineData("+12345678", "+12345678")]
    [InlineData("+123456789012345", "+123456789012345")]
    public async Task A_phone_number_is_stored_in_E164(string phone, string stored)
    {
        var (_, token) = stack.Customer();

        var added = await stack.AddAsync(token, AddressBodies.With("phone", phone));

        Assert.Equal(stored, added.GetProperty("phone").GetString());
    }

    [Theory]
    [InlineData("020 7946 0958")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+0 20 7946 0958")]
    [InlineData("+44 20 7946 0958 ext 12")]
    [InlineData("+44/20/79460958")]
    [InlineData("++442079460958")]
    public async Task A_phone_number_that_is_not_E164_after_cleaning_is_422(string phone)
    {
        var (_, token) = stack.Customer();

        using var response = await stack.SendAsync(HttpMethod.Post, Prefix, AddressBodies.With("phone", phone), token);

        Assert.Equal(["phone"], (await ErrorsAsync(response)).Keys);
    }

    [Fact]
    public async Task An_invalid_edit_changes_nothing()
    {
        var (_, token) = stack.Customer();
        var added = await stack.AddAsync(token);
        var id = added.GetProperty("id").GetGuid();
        var body = AddressBodies.With("country", "US");
        body["phone"] = "12";

        using var response = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{id}", body, token);

        Assert.Equal(["phone", "postalCode"], (await ErrorsAsync(response)).Keys.Order());
        Assert.Equal(added.ToString(), (await stack.ReadAsync(token, id)).ToString());
    }

    public static TheoryData<string, string, HttpStatusCode> BadBodies => new()
    {
        { "malformed JSON", "{\"recipientName\": \"Ada\",", HttpStatusCode.BadRequest },
        { "not an object", "[1, 2]", HttpStatusCode.BadRequest },
        { "a number for a text", "{\"recipientName\": \"Ada\", \"line1\": 12, \"city\": \"London\", \"country\": \"GB\", \"postalCode\": \"SW1A 1AA\", \"phone\": \"+442079460958\"}", HttpStatusCode.BadRequest },
        { "an object for a text", "{\"recipientName\": {\"first\": \"Ada\"}, \"line1\": \"1 A St\", \"city\": \"London\", \"country\": \"GB\", \"postalCode\": \"SW1A 1AA\", \"phone\": \"+442079460958\"}", HttpStatusCode.BadRequest },
        { "a list for a text", "{\"recipientName\": \"Ada\", \"line1\": \"1 A St\", \"city\": [\"London\"], \"country\": \"GB\", \"postalCode\": \"SW1A 1AA\", \"phone\": \"+442079460958\"}", HttpStatusCode.BadRequest },
        { "an empty body", "", HttpStatusCode.BadRequest },
        { "null", "null", HttpStatusCode.BadRequest },
        { "an oversized name", $"{{\"recipientName\": \"{new string('x', 100_000)}\", \"line1\": \"1 A St\", \"city\": \"London\", \"country\": \"GB\", \"postalCode\": \"SW1A 1AA\", \"phone\": \"+442079460958\"}}", HttpStatusCode.UnprocessableEntity },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_a_problem_and_adds_or_changes_nothing(string what, string json, HttpStatusCode status)
    {
        var (_, token) = stack.Customer();
        var existing = await stack.AddAsync(token);
        var id = existing.GetProperty("id").GetGuid();

        using var add = await stack.SendAsync(HttpMethod.Post, Prefix, AddressStack.Raw(json), token);
        using var edit = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{id}", AddressStack.Raw(json), token);

        await add.AssertProblemAsync(status);
        await edit.AssertProblemAsync(status);
        Assert.True((await stack.ListAsync(token)).Length == 1, what);
        Assert.Equal(existing.ToString(), (await stack.ReadAsync(token, id)).ToString());
    }

    [Fact]
    public async Task A_request_without_a_body_is_400_saying_one_is_required()
    {
        var (_, token) = stack.Customer();
        var existing = await stack.AddAsync(token);
        var id = existing.GetProperty("id").GetGuid();

        using var add = await stack.SendAsync(HttpMethod.Post, Prefix, null, token);
        using var edit = await stack.SendAsync(HttpMethod.Put, $"{Prefix}/{id}", null, token);

        Assert.Equal(ProblemResponses.MissingBody, (await add.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("message").GetString());
        Assert.Equal(ProblemResponses.MissingBody, (await edit.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("message").GetString());
        Assert.Equal(existing.ToString(), Assert.Single(await stack.ListAsync(token)).ToString());
    }

    [Fact]
    public async Task Unknown_members_are_ignored()
    {
        var (_, token) = stack.Customer();
        var body = AddressBodies.Valid();
        body["isDefaultShipping"] = false;
        body["nickname"] = "ignored";
        body["createdAt"] = "2000-01-01T00:00:00Z";

        var added = await stack.AddAsync(token, body);

        Assert.True(added.GetProperty("isDefaultShipping").GetBoolean());
        Assert.False(added.TryGetProperty("nickname", out _));
        Assert.True(added.GetProperty("createdAt").GetDateTimeOffset().Year > 2000);
    }

    [Theory]
    [InlineData("GET", "/not-a-uuid")]
    [InlineData("PUT", "/not-a-uuid")]
    [InlineData("DELETE", "/12345")]
    [InlineData("PUT", "/not-a-uuid/default-shipping")]
    [InlineData("PUT", "/not-a-uuid/default-billing")]
    public async Task An_id_that_is_not_a_UUID_is_404_and_changes_nothing(string method, string path)
    {
        var (_, token) = stack.Customer();
        var existing = await stack.AddAsync(token);

        using var response = await stack.SendAsync(new HttpMethod(method), Prefix + path, method == "PUT" ? AddressBodies.Valid("Changed") : null, token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(existing.ToString(), Assert.Single(await stack.ListAsync(token)).ToString());
    }

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}

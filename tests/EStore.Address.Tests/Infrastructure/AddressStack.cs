using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EStore.Platform.Security;

namespace EStore.Address.Tests.Infrastructure;

/// <summary>address-service in a <see cref="ServiceStack{TEntryPoint}"/>: PostgreSQL, the mock broker, test tokens.</summary>
public class AddressStack : ServiceStack<Program>
{
    public AddressStack()
        : base("address")
    {
    }

    /// <summary>For stacks with other settings (xunit needs one public constructor per fixture).</summary>
    protected AddressStack(string name)
        : base(name)
    {
    }

    public const string Prefix = "/api/addresses";

    /// <summary>A new customer: their id and a token.</summary>
    public (Guid Id, string Token) Customer()
    {
        var id = Guid.NewGuid();
        return (id, Tokens.For(id, [UserRoles.Customer]));
    }

    /// <summary>Adds an address (asserting 201) and returns it.</summary>
    public async Task<JsonElement> AddAsync(string token, object? body = null)
    {
        using var response = await SendAsync(HttpMethod.Post, Prefix, body ?? AddressBodies.Valid(), token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {Prefix}: {(int)response.StatusCode} {text}");
        var address = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal($"{Prefix}/{address.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        return address;
    }

    /// <summary>The caller's addresses as the list endpoint returns them.</summary>
    public async Task<JsonElement[]> ListAsync(string token) => [.. (await GetAsync(Prefix, token)).EnumerateArray()];

    /// <summary>Reads an address the caller may see.</summary>
    public Task<JsonElement> ReadAsync(string token, Guid id) => GetAsync($"{Prefix}/{id}", token);

    /// <summary>Another instance of the service on the same database and broker (the caller disposes it).</summary>
    public ServiceApp<Program> SecondInstance() =>
        ServiceApp<Program>.Start(ServiceApp<Program>.Settings(Broker.BootstrapServers, Database, Tokens.JwksUrl));

    /// <summary>A JSON body sent as it is written, for bodies a typed client could not produce.</summary>
    public static StringContent Raw(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Sends a typed body through <see cref="JsonContent"/>.</summary>
    public static JsonContent Json(object body) => JsonContent.Create(body);
}

/// <summary>Request bodies the tests start from.</summary>
public static class AddressBodies
{
    /// <summary>A valid London address typed loosely: lower-case postcode and country, a spaced phone number.</summary>
    public static Dictionary<string, object?> Valid(string? label = "Home") => new()
    {
        ["label"] = label,
        ["recipientName"] = "Ada Lovelace",
        ["line1"] = "12 St James's Square",
        ["line2"] = null,
        ["city"] = "London",
        ["region"] = null,
        ["postalCode"] = "sw1y 4jh",
        ["country"] = "gb",
        ["phone"] = "+44 20 7946 0958",
    };

    /// <summary><see cref="Valid"/> with one member replaced.</summary>
    public static Dictionary<string, object?> With(string member, object? value)
    {
        var body = Valid();
        body[member] = value;
        return body;
    }
}

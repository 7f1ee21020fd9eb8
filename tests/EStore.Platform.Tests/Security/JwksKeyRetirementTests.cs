using System.Security.Cryptography;
using System.Text.Json;
using EStore.Platform.Hosting;
using EStore.Platform.Security;
using EStore.Platform.Tests.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace EStore.Platform.Tests.Security;

/// <summary>
/// The key source against a JWKS stand-in (WireMock) whose answer the test changes, on a clock the test moves:
/// fetched sets add keys, missing keys retire only after the grace, and empty or broken sets change nothing.
/// </summary>
public sealed class JwksKeyRetirementTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly JwksServer _server = new();
    private readonly JwksSigningKeySource _source;

    public JwksKeyRetirementTests()
    {
        _server.Serve();
        var settings = new JwtSettings
        {
            JwksUrl = _server.Url,
            // Every lookup of an unknown kid fetches, so each step below fetches exactly once.
            JwksMinRefreshSeconds = 0,
            KeyRetirementGraceSeconds = (int)Grace.TotalSeconds,
        };
        _source = new JwksSigningKeySource(new PlainHttpClients(), settings, _clock, NullLogger<JwksSigningKeySource>.Instance);
    }

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task New_keys_are_added_and_a_missing_key_retires_only_after_the_grace()
    {
        _server.Serve(Jwk("a"));
        Assert.Equal(["a"], await FetchAsync());

        _server.Serve(Jwk("b"));
        Assert.Equal(["a", "b"], await FetchAsync());

        // Each fetch moves the clock one second: "a" has been missing for the grace less a second...
        _clock.Advance(Grace - TimeSpan.FromSeconds(2));
        Assert.Equal(["a", "b"], await FetchAsync());

        // ...and now for the whole grace.
        Assert.Equal(["b"], await FetchAsync());
    }

    [Fact]
    public async Task A_rogue_set_cannot_replace_every_trusted_key_at_once()
    {
        _server.Serve(Jwk("a"), Jwk("b"));
        await FetchAsync();

        // A rogue answer naming only its own key: the real keys stay trusted for the whole grace.
        _server.Serve(Jwk("rogue"));
        var afterRogue = await FetchAsync();
        Assert.Contains("a", afterRogue);
        Assert.Contains("b", afterRogue);

        // The real answer comes back before the grace ends: nothing of the real set retires.
        _clock.Advance(Grace / 2);
        _server.Serve(Jwk("a"), Jwk("b"));
        await FetchAsync();
        _clock.Advance(Grace);
        Assert.Contains("a", await FetchAsync());
        Assert.Contains("b", await FetchAsync());
    }

    [Theory]
    [InlineData("{\"keys\":[]}")]
    [InlineData("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"x\",\"k\":\"c2VjcmV0\"}]}")]
    [InlineData("{\"nokeys\":true}")]
    [InlineData("not json at all")]
    public async Task An_empty_or_unparsable_set_changes_nothing_however_long_it_lasts(string document)
    {
        _server.Serve(Jwk("a"));
        await FetchAsync();

        _server.ServeRaw(document);
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(Grace);
            Assert.Equal(["a"], await FetchAsync());
        }
    }

    [Fact]
    public async Task A_known_kid_keeps_its_first_key_material()
    {
        var original = Jwk("a");
        _server.Serve(original);
        await FetchAsync();
        var trusted = Assert.IsType<RsaSecurityKey>(Key("a"));

        _server.Serve(Jwk("a"));
        await FetchAsync();

        Assert.Equal(trusted.Parameters.Modulus, Assert.IsType<RsaSecurityKey>(Key("a")).Parameters.Modulus);
    }

    [Fact]
    public void The_grace_is_read_from_configuration_with_a_default_and_bounds()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), Read(Configuration()).KeyRetirementGrace);
        Assert.Equal(TimeSpan.FromSeconds(120), Read(Configuration("120")).KeyRetirementGrace);
        var error = Assert.Throws<StartupConfigurationException>(() => Read(Configuration("0")));
        Assert.Equal(JwtSettings.KeyRetirementGraceKey, error.Key);
        Assert.Throws<StartupConfigurationException>(() => Read(Configuration("soon")));
    }

    private static JwtSettings Read(IConfiguration configuration) => configuration.GetValidatedOptions<JwtSettings>(JwtSettings.Section);

    private static IConfiguration Configuration(string? grace = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [JwtSettings.KeyRetirementGraceKey] = grace }).Build();

    // Looks up a kid nobody serves: with no minimum interval, that fetches once.
    private async Task<List<string>> FetchAsync()
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        try
        {
            await _source.GetKeysAsync("unknown-kid", CancellationToken.None);
        }
        catch (SigningKeysUnavailableException)
        {
            // Nothing trusted yet and nothing usable served: the assertions look at the (empty) set.
        }
        return [.. _source.Current.KeyIds.Order(StringComparer.Ordinal)];
    }

    private SecurityKey Key(string kid) => _source.Current.TryGet(kid, out var key) ? key : throw new InvalidOperationException(kid);

    private static Dictionary<string, string> Jwk(string kid)
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    private sealed class PlainHttpClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    /// <summary>A JWKS endpoint whose document the test sets (one mapping, replaced by its id).</summary>
    private sealed class JwksServer : IDisposable
    {
        private readonly Guid _mapping = Guid.NewGuid();
        private readonly WireMockServer _server = WireMockServer.Start();

        public Uri Url => new($"{_server.Url}/.well-known/jwks.json");

        public void Serve(params Dictionary<string, string>[] keys) => ServeRaw(JsonSerializer.Serialize(new { keys }));

        public void ServeRaw(string document) => _server.Given(Request.Create().WithPath("/.well-known/jwks.json").UsingGet())
            .WithGuid(_mapping)
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(document));

        public void Dispose() => _server.Dispose();
    }
}

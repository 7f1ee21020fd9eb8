using System.Net;
using EStore.Platform.Security;
using EStore.Product.Feeds;
using EStore.Product.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EStore.Product.Tests;

/// <summary>
/// Supplier feeds: registration, fetching with credentials kept server-side, history, and the SSRF guard. Nothing
/// connects outside 127.0.0.0/8: the guard is checked on addresses, and the redirect test's feed server on the allowed
/// 127.0.0.1 points at 127.0.0.2, which is refused before any connection.
/// </summary>
[Collection(ProductCollection.Name)]
public sealed class FeedTests(ProductStack stack) : IAsyncLifetime
{
    private const string Token = "s3cret-feed-token";
    private WebApplication _server = null!;
    private int _port;
    private int _feedRequests;
    private string _csv = "";

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.10")]
    [InlineData("169.254.169.254")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    public void The_guard_refuses_internal_addresses(string address) =>
        Assert.NotNull(AddressGuard.Refusal(IPAddress.Parse(address), [IPNetwork.Parse("127.0.0.1/32")]));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("127.0.0.1")]
    public void The_guard_accepts_public_and_explicitly_allowed_addresses(string address) =>
        Assert.Null(AddressGuard.Refusal(IPAddress.Parse(address), [IPNetwork.Parse("127.0.0.1/32")]));

    [Fact]
    public void Sealed_credentials_open_only_for_their_feed_and_after_a_rotation_with_the_previous_key()
    {
        var oldKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var before = new FeedCredentialSeal(Microsoft.Extensions.Options.Options.Create(new FeedOptions { CredentialKey = oldKey }));
        var feed = new Data.SupplierFeed { Id = Guid.NewGuid(), Url = "https://supplier.example/feed.csv", BasicUser = "shop", HeaderName = null };
        before.Seal(feed, "pa55word", null);
        Assert.DoesNotContain("pa55word", feed.BasicPasswordSealed, StringComparison.Ordinal);
        Assert.Equal("pa55word", before.Open(feed).Credentials!.BasicPassword);

        // Copied to another feed, the sealed value does not open.
        var copy = new Data.SupplierFeed { Id = Guid.NewGuid(), Url = feed.Url, BasicUser = "shop", BasicPasswordSealed = feed.BasicPasswordSealed, CredentialKeyId = feed.CredentialKeyId };
        Assert.Null(before.Open(copy).Credentials);

        // After a rotation the old key opens it only when listed as a previous key; without it the run says which key it needs.
        var rotated = new FeedCredentialSeal(Microsoft.Extensions.Options.Options.Create(new FeedOptions { CredentialKey = newKey, PreviousCredentialKeys = oldKey }));
        Assert.Equal("pa55word", rotated.Open(feed).Credentials!.BasicPassword);
        var withoutOld = new FeedCredentialSeal(Microsoft.Extensions.Options.Options.Create(new FeedOptions { CredentialKey = newKey }));
        Assert.Contains(feed.CredentialKeyId!, withoutOld.Open(feed).Error);
    }

    [Fact]
    public async Task A_feed_is_fetched_with_its_token_applied_as_an_import_and_its_token_is_never_shown()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Feed {tag}");
        _csv = $"sku,name,price,stock,categoryPath\r\nFEED-{tag},Fed {tag},6.50,8,Kitchen\r\n";

        var created = await stack.SendOkAsync(HttpMethod.Post, "/api/products/feeds", new
        {
            shopId = shop,
            url = $"http://127.0.0.1:{_port}/feed.csv",
            intervalMinutes = 60,
            auth = new { type = "header", headerName = "X-Api-Key", token = Token },
        }, owner);
        var feedId = created.GetProperty("id").GetGuid();
        Assert.Equal("header", created.GetProperty("auth").GetString());
        // At rest the token is sealed (AES-256-GCM) under the configured key, whose id is stored beside it: no column of
        // the feed's row holds it in plain text.
        var stored = await stack.WithDbAsync(db => db.Feeds.AsNoTracking().SingleAsync(f => f.Id == feedId));
        Assert.StartsWith("v1.", stored.HeaderTokenSealed, StringComparison.Ordinal);
        Assert.Equal(SecretSeal.KeyId(Convert.FromBase64String(stack.FeedCredentialKey)), stored.CredentialKeyId);
        Assert.Equal(0, await stack.WithDbAsync(db => db.Database
            .SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM supplier_feeds f WHERE f::text LIKE {"%" + Token + "%"}").SingleAsync()));

        var feed = await Eventually.GetAsync(() => stack.GetAsync($"/api/products/feeds/{feedId}", owner),
            f => f.GetProperty("runs").EnumerateArray().Any(r => r.TryGetProperty("jobState", out var s) && s.GetString() == "SUCCEEDED"),
            "the feed's first run to be imported", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(Token, feed.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, (await stack.GetAsync($"/api/products/feeds?shopId={shop}", owner)).GetRawText(), StringComparison.Ordinal);
        var run = feed.GetProperty("runs")[0];
        Assert.True(run.GetProperty("succeeded").GetBoolean());
        var job = await stack.GetAsync($"/api/products/imports/{run.GetProperty("jobId").GetGuid()}", owner);
        Assert.Equal(feedId, job.GetProperty("feedId").GetGuid());
        Assert.Equal(8, (await stack.VariantAsync($"FEED-{tag}"))!.Stock);

        // Another owner neither sees nor deletes it; its owner does.
        var (_, other) = await stack.NewShopAsync($"Feed other {tag}");
        using (var byOther = await stack.SendAsync(HttpMethod.Get, $"/api/products/feeds/{feedId}", null, other))
        {
            await byOther.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using (var deleteByOther = await stack.SendAsync(HttpMethod.Delete, $"/api/products/feeds/{feedId}", null, other))
        {
            await deleteByOther.AssertProblemAsync(HttpStatusCode.NotFound);
        }
        using var deleted = await stack.SendAsync(HttpMethod.Delete, $"/api/products/feeds/{feedId}", null, owner);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_host_to_a_loopback_address_that_is_not_allowed_is_refused()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (shop, owner) = await stack.NewShopAsync($"Redirect {tag}");
        _csv = $"sku,name,price,categoryPath\r\nRDR-{tag},Redirected {tag},1,Kitchen\r\n";
        var before = _feedRequests;

        var created = await stack.SendOkAsync(HttpMethod.Post, "/api/products/feeds", new
        {
            shopId = shop,
            url = $"http://127.0.0.1:{_port}/moved",
            intervalMinutes = 60,
        }, owner);

        var feed = await Eventually.GetAsync(() => stack.GetAsync($"/api/products/feeds/{created.GetProperty("id").GetGuid()}", owner),
            f => f.GetProperty("runs").GetArrayLength() > 0, "the feed's first run", TimeSpan.FromSeconds(60));
        var run = feed.GetProperty("runs")[0];
        Assert.False(run.GetProperty("succeeded").GetBoolean());
        Assert.Contains("127.0.0.2", run.GetProperty("error").GetString());
        Assert.False(run.TryGetProperty("jobId", out _));
        Assert.Equal(before, _feedRequests);
        Assert.Null(await stack.VariantAsync($"RDR-{tag}"));
    }

    [Fact]
    public async Task Feeds_at_internal_addresses_or_other_schemes_are_refused_at_registration()
    {
        var (shop, owner) = await stack.NewShopAsync($"Refused feed {Guid.NewGuid():N}");
        foreach (var url in new[] { "ftp://127.0.0.1/feed.csv", "http://169.254.169.254/latest/meta-data", "http://10.0.0.5/feed.csv", "http://[::1]/feed.csv", "http://0.0.0.0/", "file:///etc/passwd" })
        {
            using var response = await stack.SendAsync(HttpMethod.Post, "/api/products/feeds", new { shopId = shop, url, intervalMinutes = 60 }, owner);
            var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), url);
        }
        var (_, other) = await stack.NewShopAsync($"Not the owner {Guid.NewGuid():N}");
        using var notTheirs = await stack.SendAsync(HttpMethod.Post, "/api/products/feeds", new { shopId = shop, url = $"http://127.0.0.1:{_port}/feed.csv", intervalMinutes = 60 }, other);
        await notTheirs.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    public async Task InitializeAsync()
    {
        _port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/feed.csv", (HttpRequest request) =>
        {
            Interlocked.Increment(ref _feedRequests);
            return request.Headers["X-Api-Key"] == Token ? Results.Text(_csv, "text/csv") : Results.Unauthorized();
        });
        _server.MapGet("/moved", () => Results.Redirect($"http://127.0.0.2:{_port}/feed.csv"));
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static EStore.Gateway.Tests.GatewayClient;

namespace EStore.Gateway.Tests;

/// <summary>The gateway's edge behaviour, through real processes.</summary>
[Collection(GatewayMeshCollection.Name)]
public sealed class GatewayTests(GatewayMeshFixture mesh, ITestOutputHelper output)
{
    private HttpClient Gateway => mesh.Gateway;

    [Fact]
    public async Task Anonymous_product_read_is_proxied_to_product_service()
    {
        using var response = await Gateway.GetAsync("/api/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Protected_route_without_token_is_401_with_problem_body()
    {
        using var response = await Gateway.GetAsync("/api/echo/anything");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Protected_route_with_bad_token_is_401_invalid_token()
    {
        using var request = Authorized(HttpMethod.Get, "/api/echo/anything", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        using var response = await Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_with_a_tampered_signature_is_401_at_the_gateway()
    {
        var customer = await NewCustomerAsync(Gateway);
        var parts = customer.AccessToken.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{new string(signature)}";

        // The echo service checks nothing: only the gateway can refuse this.
        using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/x", tampered));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customer_token_passes_and_service_sees_validated_identity_not_forged_headers()
    {
        var customer = await NewCustomerAsync(Gateway);
        using var request = Authorized(HttpMethod.Get, "/api/echo/whoami", customer.AccessToken);
        request.Headers.Add("X-User-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-User-Roles", "admin");

        using var response = await Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await SeenHeadersAsync(response);
        Assert.Equal(customer.UserId.ToString(), seen["X-User-Id"]);
        Assert.Equal("customer", seen["X-User-Roles"]);
        Assert.Equal("Bearer " + customer.AccessToken, seen["Authorization"]);
    }

    [Fact]
    public async Task Forged_identity_headers_are_stripped_on_anonymous_routes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo-public/x");
        request.Headers.Add("X-User-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-User-Email", "root@gateway.test");
        request.Headers.Add("X-User-Roles", "admin");

        using var response = await Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await SeenHeadersAsync(response);
        Assert.False(seen.ContainsKey("X-User-Id"));
        Assert.False(seen.ContainsKey("X-User-Email"));
        Assert.False(seen.ContainsKey("X-User-Roles"));
    }

    [Fact]
    public async Task Admin_route_is_403_for_a_customer_and_200_for_the_admin()
    {
        var customer = await NewCustomerAsync(Gateway);
        var admin = await LoginAsync(Gateway, GatewayMeshFixture.AdminEmail, GatewayMeshFixture.AdminPassword);

        using var asCustomer = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/users", customer.AccessToken));
        using var asAdmin = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/users", admin.AccessToken));

        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        await asCustomer.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
    }

    [Fact]
    public async Task RequireAuthForPublicReads_makes_product_reads_need_a_token()
    {
        var customer = await NewCustomerAsync(Gateway);

        using var anonymous = await mesh.PublicReadsLockedGateway.GetAsync("/api/products");
        using var withToken = await mesh.PublicReadsLockedGateway.SendAsync(Authorized(HttpMethod.Get, "/api/products", customer.AccessToken));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
    }

    [Fact]
    public async Task After_logout_the_access_token_is_refused_at_the_gateway_within_seconds()
    {
        var customer = await NewCustomerAsync(Gateway);
        using (var before = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/x", customer.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var logout = await Gateway.SendAsync(Authorized(HttpMethod.Post, "/api/auth/logout", customer.AccessToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        // The echo service validates nothing: a 401 here can only come from the gateway's revocation list.
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            using var after = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/echo/x", customer.AccessToken));
            status = after.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }
            await Task.Delay(20);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        output.WriteLine($"refused {clock.ElapsedMilliseconds} ms after the logout");
        // About 80 ms on an idle machine; the whole test suite in parallel on two cores has taken over a second.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"refused after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Login_flood_from_one_client_is_429_with_Retry_After_and_problem_body()
    {
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < GatewayMeshFixture.StrictPermits * 4 && limited is null; attempt++)
        {
            var response = await Gateway.PostAsJsonAsync("/api/auth/login", new { email = "nobody@estore.test", password = "wrong password 123" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.NotNull(limited.Headers.RetryAfter?.Delta);
            Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(GatewayMeshFixture.StrictWindowSeconds));
            await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            // Leave the window clean for the other tests' logins.
            await Task.Delay(RetryAfter(limited));
        }
    }

    [Fact]
    public async Task Request_id_is_generated_when_absent_and_echoed_and_forwarded_when_given()
    {
        using var generated = await Gateway.GetAsync("/api/products");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/echo-public/x");
        request.Headers.Add("X-Request-Id", "client-id-42");
        using var given = await Gateway.SendAsync(request);

        Assert.False(string.IsNullOrEmpty(Assert.Single(generated.Headers.GetValues("X-Request-Id"))));
        Assert.Equal("client-id-42", Assert.Single(given.Headers.GetValues("X-Request-Id")));
        var seen = await SeenHeadersAsync(given);
        Assert.True(seen.TryGetValue("X-Request-Id", out var forwarded), string.Join(", ", seen.Keys));
        Assert.Equal("client-id-42", forwarded);
    }

    [Fact]
    public async Task Cors_preflight_from_a_configured_origin_is_allowed_and_others_are_not()
    {
        using var allowed = await Gateway.SendAsync(Preflight(GatewayMeshFixture.CorsOrigin));
        using var other = await Gateway.SendAsync(Preflight("http://evil.example"));

        Assert.Equal(GatewayMeshFixture.CorsOrigin, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        static HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/products");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            return request;
        }
    }

    [Fact]
    public async Task Service_without_instances_is_503_problem_without_internals()
    {
        var customer = await NewCustomerAsync(Gateway);

        // No cart-service runs in this mesh: the route exists, its cluster has no destinations.
        using var response = await Gateway.SendAsync(Authorized(HttpMethod.Get, "/api/carts", customer.AccessToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Killed_instance_costs_no_failed_GETs_because_refused_connections_are_retried_elsewhere()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var extra = await mesh.Mesh.StartInstanceAsync("product-service", timeout.Token);
        // Killed, not stopped: it stays registered (and routed) until its lease or a health check says otherwise.
        await mesh.Mesh.KillInstanceAsync(extra.Name);
        var killedAt = Stopwatch.StartNew();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await Gateway.GetAsync("/api/products", timeout.Token);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        await WaitUntilOutOfRotationAsync(extra.Port, timeout.Token);
        var removedAfter = killedAt.Elapsed;
        output.WriteLine($"killed product-service instance out of rotation {removedAfter.TotalMilliseconds:0} ms after the kill");
        Assert.True(removedAfter < TimeSpan.FromSeconds(15), $"still in rotation after {removedAfter}");
    }

    // Out of rotation: unhealthy by active probe or passive observation, or gone from the registry.
    private Task WaitUntilOutOfRotationAsync(int port, CancellationToken cancellationToken) =>
        Eventually.GetAsync(
            async () => (await mesh.GatewayManagement.GetFromJsonAsync<JsonElement>("/actuator/gateway/routes", cancellationToken)).GetProperty("clusters").EnumerateArray()
                .Where(c => c.GetProperty("clusterId").GetString() == "product-service")
                .SelectMany(c => c.GetProperty("destinations").EnumerateArray())
                .FirstOrDefault(d => new Uri(d.GetProperty("address").GetString()!).Port == port),
            destination => destination.ValueKind == JsonValueKind.Undefined
                || destination.GetProperty("health").GetRawText().Contains("Unhealthy", StringComparison.Ordinal),
            $"the killed instance on port {port} to leave rotation", Timeout.InfiniteTimeSpan, cancellationToken: cancellationToken);

    [Fact]
    public async Task Route_timeout_answers_504_problem_when_the_service_is_too_slow()
    {
        var clock = Stopwatch.StartNew();
        using var response = await Gateway.GetAsync("/api/echo-slow/x");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Oversized_body_is_413_with_problem_body()
    {
        using var content = new ByteArrayContent(new byte[GatewayMeshFixture.MaxBodyBytes + 1]);
        using var response = await Gateway.PostAsync("/api/echo-public/upload", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    // Header names as the echo service received them, compared case-insensitively as HTTP does.
    private static async Task<Dictionary<string, string>> SeenHeadersAsync(HttpResponseMessage response) =>
        new(await response.Content.ReadFromJsonAsync<Dictionary<string, string>>() ?? [], StringComparer.OrdinalIgnoreCase);
}

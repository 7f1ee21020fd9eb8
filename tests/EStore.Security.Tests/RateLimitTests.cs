using System.Net;
using EStore.Security.Tests.Infrastructure;

namespace EStore.Security.Tests;

/// <summary>
/// API4:2023 Unrestricted Resource Consumption: the sign-in family is limited per client at the gateway, and
/// identity-service limits itself when called past the gateway; the answer is 429 with <c>Retry-After</c> and a problem.
/// (The gateway's per-user window is raised in this mesh so the other attacks can run; EStore.Gateway.Tests proves it.)
/// </summary>
[Trait("Suite", "security")]
[Collection(SecurityMeshCollection.Name)]
public sealed class RateLimitTests(SecurityMesh mesh)
{
    [Fact]
    public async Task Forgot_password_beyond_the_gateways_per_client_window_is_429_with_retry_after()
    {
        // A fixed window: the limit may restart once while we send, so at most twice the limit passes before the refusal.
        var answers = new List<Answer>();
        for (var i = 0; i <= 2 * SecurityMesh.StrictPermitLimit && (answers.Count == 0 || answers[^1].Status != HttpStatusCode.TooManyRequests); i++)
        {
            answers.Add(await mesh.SendAsync(HttpMethod.Post, "/api/auth/forgot-password", new { email = $"nobody-{i}@example.test" }, null));
        }

        var refused = answers[^1];
        Assert.True(refused.Status == HttpStatusCode.TooManyRequests && refused.HasRetryAfter && refused.MediaType == "application/problem+json", refused.ToString());
        Assert.InRange(answers.Count - 1, SecurityMesh.StrictPermitLimit, 2 * SecurityMesh.StrictPermitLimit);
        Assert.All(answers.SkipLast(1), a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
    }

    [Fact]
    public async Task Resend_verification_straight_to_identity_service_is_limited_by_identity_itself()
    {
        var identity = mesh.Direct("identity-service");
        // A fixed window: the limit may restart once while we send, so at most twice the limit passes before the refusal.
        var answers = new List<Answer>();
        for (var i = 0; i <= 2 * SecurityMesh.IdentityResendPermitLimit && (answers.Count == 0 || answers[^1].Status != HttpStatusCode.TooManyRequests); i++)
        {
            answers.Add(await mesh.SendAsync(identity, HttpMethod.Post, "/api/auth/resend-verification", new { email = $"nobody-{i}@example.test" }, null));
        }

        var refused = answers[^1];
        Assert.True(refused.Status == HttpStatusCode.TooManyRequests && refused.HasRetryAfter && refused.MediaType == "application/problem+json", refused.ToString());
        Assert.InRange(answers.Count - 1, SecurityMesh.IdentityResendPermitLimit, 2 * SecurityMesh.IdentityResendPermitLimit);
        Assert.All(answers.SkipLast(1), a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace EStore.Gateway.Aggregation;

/// <summary>A part of a composed answer that could not be had, and why.</summary>
/// <param name="Part">The member of the answer that is null because of it.</param>
/// <param name="Service">The service that owns it.</param>
/// <param name="Reason"><c>unavailable</c> (no instance, refused, 5xx), <c>timeout</c>, <c>invalid_answer</c> or <c>status_NNN</c>.</param>
public sealed record MissingPart(string Part, string Service, string Reason);

/// <summary>One service's answer to a part of a composed answer: its JSON body, or why there is none.</summary>
public sealed record PartAnswer(string Part, string Service, int? Status, JsonNode? Body, string? Reason)
{
    /// <summary>The service answered 2xx with JSON.</summary>
    public bool Found => Reason is null;

    /// <summary>The entry of the answer's <c>missing</c> list, or null when the part was found.</summary>
    public MissingPart? Missing => Reason is null ? null : new MissingPart(Part, Service, Reason);
}

/// <summary>
/// Asks the mesh's services for the parts of a composed answer, through discovery (any UP instance) and with the
/// caller's own token, so every service checks ownership for the same user as if the caller had asked it. Each
/// call has <see cref="AggregationOptions.PartTimeoutSeconds"/>; a failure becomes a reason, never an exception.
/// </summary>
public sealed partial class ServiceParts(IHttpClientFactory clients, IOptionsMonitor<AggregationOptions> settings, ILogger<ServiceParts> logger)
{
    /// <summary>The discovery-aware client that forwards the caller's token.</summary>
    public const string HttpClientName = "aggregation";

    /// <summary>GETs <paramref name="pathAndQuery"/> of <paramref name="service"/> as the part named <paramref name="part"/>.</summary>
    public async Task<PartAnswer> GetAsync(string part, string service, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.CurrentValue.PartTimeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .GetAsync(new Uri($"http://{service}{pathAndQuery}"), timeout.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                return Failed(part, service, status, status >= 500 ? "unavailable" : $"status_{status}");
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return new PartAnswer(part, service, status, await JsonNode.ParseAsync(body, cancellationToken: timeout.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(part, service, null, "timeout");
        }
        catch (HttpRequestException ex)
        {
            LogFailed(service, part, ex.Message);
            return new PartAnswer(part, service, null, null, "unavailable");
        }
        catch (JsonException)
        {
            return Failed(part, service, null, "invalid_answer");
        }
    }

    private PartAnswer Failed(string part, string service, int? status, string reason)
    {
        LogFailed(service, part, reason);
        return new PartAnswer(part, service, status, null, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Aggregation: {Service} gave no {Part}: {Reason}")]
    private partial void LogFailed(string service, string part, string reason);
}

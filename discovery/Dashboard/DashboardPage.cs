using System.Globalization;
using System.Net;
using System.Text;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Dashboard;

/// <summary>Renders the dashboard HTML. Every registry value is HTML-encoded: instances choose their own names and URLs.</summary>
internal static class DashboardPage
{
    private const string Emergency =
        "EMERGENCY! EUREKA MAY BE INCORRECTLY CLAIMING INSTANCES ARE UP WHEN THEY'RE NOT. "
        + "RENEWALS ARE LESSER THAN THRESHOLD AND HENCE THE INSTANCES ARE NOT BEING EXPIRED JUST TO BE SAFE.";

    private const string SelfPreservationOff =
        "THE SELF PRESERVATION MODE IS TURNED OFF. THIS MAY NOT PROTECT INSTANCE EXPIRY IN CASE OF NETWORK/OTHER PROBLEMS.";

    public static string Render(DashboardModel model)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>EStore Discovery</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
            table { border-collapse: collapse; margin-bottom: 2rem; }
            th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
            th { background: #f0f0f0; }
            .banner { font-weight: bold; padding: .6rem; margin-bottom: 1rem; }
            .emergency { color: #fff; background: #b00020; } .notice { background: #fff3cd; }
            .UP, .reachable { color: #16794a; } .DOWN, .expired, .unreachable { color: #b00020; } .OUT_OF_SERVICE, .STARTING, .UNKNOWN { color: #a15c00; }
            </style>
            </head>
            <body>
            <h1>EStore Discovery</h1>
            """);
        var state = model.SelfPreservation;
        if (state.Active)
        {
            html.Append("<p class=\"banner emergency\" id=\"self-preservation\">").Append(Encode(Emergency)).Append("</p>");
        }
        else if (!state.Enabled)
        {
            html.Append("<p class=\"banner notice\" id=\"self-preservation\">").Append(Encode(SelfPreservationOff)).Append("</p>");
        }

        html.Append("<h2>System status</h2><table>");
        Row(html, "Environment", model.Environment);
        Row(html, "Current time", model.Now.ToString("u", CultureInfo.InvariantCulture));
        Row(html, "Uptime", Duration(model.Now - model.StartedAt));
        Row(html, "Lease expiration enabled", state.LeaseExpirationEnabled ? "true" : "false");
        Row(html, "Self-preservation", !state.Enabled ? "disabled" : state.Active ? "ACTIVE (eviction suspended)" : "enabled, not active");
        Row(html, "Expected clients", Number(state.ExpectedClients));
        Row(html, "Renews threshold", Number(state.RenewsThreshold));
        Row(html, "Renews (last min)", Number(state.RenewsLastMinute));
        Row(html, "Applications", Number(model.Leases.Select(l => l.Instance.AppName).Distinct(StringComparer.Ordinal).Count()));
        Row(html, "Instances", Number(model.Leases.Count));
        html.Append("</table>");

        AppendPeers(html, model);
        AppendApplications(html, model);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void AppendPeers(StringBuilder html, DashboardModel model)
    {
        html.Append("<h2>DS Replicas</h2>");
        if (model.Peers.Count == 0)
        {
            html.Append("<p>No peers configured (standalone).</p>");
        }
        else
        {
            html.Append("<table id=\"peers\"><tr><th>Peer</th><th>Reachable</th><th>Last success</th><th>Last failure</th><th>Pending</th><th>Replicated</th><th>Dropped</th></tr>");
            foreach (var peer in model.Peers)
            {
                var (cls, text) = peer.Reachable switch
                {
                    true => ("reachable", "yes"),
                    false => ("unreachable", "NO"),
                    null => ("", "not contacted yet"),
                };
                html.Append("<tr><td>").Append(Encode(peer.ServiceUrl.ToString())).Append("</td>")
                    .Append("<td class=\"").Append(cls).Append("\">").Append(text).Append("</td>")
                    .Append("<td>").Append(Ago(peer.LastSuccess, model.Now)).Append("</td>")
                    .Append("<td>").Append(Ago(peer.LastFailure, model.Now));
                if (peer.LastError is { } error)
                {
                    html.Append(": ").Append(Encode(error));
                }
                html.Append("</td><td>").Append(Number(peer.Pending)).Append("</td><td>").Append(Number(peer.Replicated))
                    .Append("</td><td>").Append(Number(peer.Dropped)).Append("</td></tr>");
            }
            html.Append("</table>");
        }
        if (model.Sync is { } sync)
        {
            html.Append("<p>Startup registry copy: ")
                .Append(Encode(sync.Peer is { } from ? $"{sync.Instances} instances from {from}" : $"nothing copied ({sync.Error})"))
                .Append("</p>");
        }
    }

    private static void AppendApplications(StringBuilder html, DashboardModel model)
    {
        html.Append("<h2>Instances currently registered with Eureka</h2>");
        if (model.Leases.Count == 0)
        {
            html.Append("<p>No instances available</p>");
            return;
        }
        html.Append("<table id=\"applications\"><tr><th>Application</th><th>Availability zones</th><th>Status</th></tr>");
        foreach (var app in model.Leases.GroupBy(l => l.Instance.AppName, StringComparer.Ordinal))
        {
            var zones = app.GroupBy(l => Zone(l.Instance)).Select(z => $"{z.Key} ({z.Count()})");
            var statuses = app.GroupBy(l => EurekaJson.ToWire(l.Instance.Status)).Select(s => $"{s.Key} ({s.Count()})");
            html.Append("<tr><td>").Append(Encode(app.Key)).Append("</td><td>").Append(Encode(string.Join(", ", zones)))
                .Append("</td><td>").Append(Encode(string.Join(", ", statuses))).Append("</td></tr>");
        }
        html.Append("</table>");

        html.Append("<table id=\"instances\"><tr><th>Application</th><th>Instance</th><th>Address</th><th>Status</th><th>Zone</th><th>Uptime</th><th>Last renewal</th><th>Lease</th></tr>");
        foreach (var lease in model.Leases)
        {
            AppendInstance(html, lease, model.Now);
        }
        html.Append("</table>");
    }

    private static void AppendInstance(StringBuilder html, LeaseInfoSnapshot lease, DateTimeOffset now)
    {
        var instance = lease.Instance;
        var status = EurekaJson.ToWire(instance.Status);
        var statusText = instance.OverriddenStatus == InstanceStatus.Unknown
            ? status
            : $"{status} (override {EurekaJson.ToWire(instance.OverriddenStatus)})";
        var uptime = instance.ServiceUpTimestamp > 0
            ? Duration(now - DateTimeOffset.FromUnixTimeMilliseconds(instance.ServiceUpTimestamp))
            : "-";
        var lastRenewal = Duration(now - DateTimeOffset.FromUnixTimeMilliseconds(lease.LastHeartbeatTimestamp)) + " ago";
        // The view's lastRenewalTimestamp is Eureka's "last update" (renew time + duration): expiry is one more duration.
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(instance.LastRenewalTimestamp + (instance.LeaseDurationSeconds * 1000L));
        var leaseText = $"renews every {instance.RenewalIntervalSeconds}s, lasts {instance.LeaseDurationSeconds}s, "
            + (lease.IsExpired ? "expired" : $"expires in {Duration(expiresAt - now)}");

        html.Append("<tr><td>").Append(Encode(instance.AppName)).Append("</td><td>");
        // Link only to http(s) URLs: a registrant could otherwise plant a javascript: link here.
        if (instance.StatusPageUrl is { } url && (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            html.Append("<a href=\"").Append(Encode(url)).Append("\">").Append(Encode(instance.InstanceId)).Append("</a>");
        }
        else
        {
            html.Append(Encode(instance.InstanceId));
        }
        html.Append("</td><td>").Append(Encode($"{instance.HostName}:{instance.Port}")).Append("</td>");
        html.Append("<td class=\"").Append(status).Append("\">").Append(Encode(statusText));
        if (lease.IsExpired)
        {
            html.Append(" <span class=\"expired\">(lease expired)</span>");
        }
        html.Append("</td><td>").Append(Encode(Zone(instance))).Append("</td><td>").Append(uptime)
            .Append("</td><td>").Append(Encode(lastRenewal)).Append("</td><td>").Append(Encode(leaseText)).Append("</td></tr>");
    }

    private static string Zone(EurekaInstance instance) =>
        instance.Metadata.TryGetValue("zone", out var zone) && zone.Length > 0 ? zone : "default";

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>");

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Ago(DateTimeOffset? at, DateTimeOffset now) => at is { } t ? Duration(now - t) + " ago" : "-";

    private static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }
        return span.TotalDays >= 1
            ? $"{(int)span.TotalDays}d {span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}"
            : $"{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}";
    }
}

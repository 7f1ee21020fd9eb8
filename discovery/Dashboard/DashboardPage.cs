using System.Globalization;
using System.Net;
using System.Text;
using EStore.Discovery.Registry;
using EStore.Platform.Discovery;

namespace EStore.Discovery.Dashboard;

/// <summary>Renders the dashboard HTML. Every registry value is HTML-encoded: instances choose their own names and URLs.</summary>
internal static class DashboardPage
{
    public static string Render(IReadOnlyList<LeaseInfoSnapshot> leases, DateTimeOffset startedAt, DateTimeOffset now, string environment)
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
            th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
            th { background: #f0f0f0; }
            .UP { color: #16794a; } .DOWN, .expired { color: #b00020; } .OUT_OF_SERVICE, .STARTING, .UNKNOWN { color: #a15c00; }
            </style>
            </head>
            <body>
            <h1>EStore Discovery</h1>
            """);
        html.Append("<h2>System status</h2><table>");
        Row(html, "Environment", environment);
        Row(html, "Current time", now.ToString("u", CultureInfo.InvariantCulture));
        Row(html, "Uptime", Duration(now - startedAt));
        Row(html, "Applications", leases.Select(l => l.Instance.AppName).Distinct(StringComparer.Ordinal).Count().ToString(CultureInfo.InvariantCulture));
        Row(html, "Instances", leases.Count.ToString(CultureInfo.InvariantCulture));
        html.Append("</table>");

        html.Append("<h2>Instances currently registered with Eureka</h2>");
        if (leases.Count == 0)
        {
            html.Append("<p>No instances available</p>");
        }
        else
        {
            html.Append("<table><tr><th>Application</th><th>Instance</th><th>Address</th><th>Status</th><th>Uptime</th><th>Last renewal</th></tr>");
            foreach (var lease in leases)
            {
                AppendInstance(html, lease, now);
            }
            html.Append("</table>");
        }
        html.Append("</body></html>");
        return html.ToString();
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
        html.Append("</td><td>").Append(uptime).Append("</td><td>").Append(Encode(lastRenewal)).Append("</td></tr>");
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>");

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

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

using System.Globalization;
using System.Net;
using System.Text;
using VethExporter.Classification;
using VethExporter.Snapshot;

namespace VethExporter.Web;

/// <summary>The page at /: what this is, where the data is, and the current orphans at a glance. No external assets.</summary>
public static class LandingPage
{
    public static string Render(string version, string telemetryPath, SnapshotDocument? snapshot, bool remediationEnabled)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>veth-exporter</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left}
            th{background:#f3f3f3}.ok{color:#176c2f}.blocked{color:#8a5a00}.warn{color:#a31515;font-weight:bold}
            code{background:#f3f3f3;padding:0 .2em}
            </style></head><body>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<h1>veth-exporter</h1><p>Version {E(version)}. Finds leaked host-side veth interfaces from kernel truth.</p>");
        html.Append(CultureInfo.InvariantCulture, $"<ul><li><a href=\"{E(telemetryPath)}\">Metrics</a></li>");
        html.Append("<li><a href=\"api/v1/orphans\">Snapshot JSON</a> (<code>/api/v1/orphans</code>)</li>");
        html.Append("<li><a href=\"healthz\">Health</a> · <a href=\"readyz\">Readiness</a></li>");
        html.Append(CultureInfo.InvariantCulture, $"<li>Remediation endpoints: {(remediationEnabled ? "enabled (bearer token)" : "disabled (no --remediation.token-file)")}</li></ul>");

        if (snapshot is null)
        {
            html.Append("<p>No scan has completed yet.</p></body></html>");
            return html.ToString();
        }

        var orphans = snapshot.Interfaces.Where(i => i.State == VethStates.Orphan).OrderByDescending(i => i.AgeSeconds ?? 0).ToList();
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>Orphans: {orphans.Count} of {snapshot.Interfaces.Count} veths</h2><p>Last scan {snapshot.ScannedAt:yyyy-MM-dd HH:mm:ss}Z, {snapshot.ScanDurationSeconds * 1000:F1} ms.");
        if (!snapshot.HostViewComplete)
            html.Append(CultureInfo.InvariantCulture, $" <span class=\"warn\">Host view incomplete: {E(string.Join("; ", snapshot.Limitations))}</span>");
        html.Append("</p>");
        if (orphans.Count == 0)
        {
            html.Append("<p class=\"ok\">No orphaned veth interfaces.</p></body></html>");
            return html.ToString();
        }

        html.Append("<table><tr><th>Interface</th><th>Bridge</th><th>Reason</th><th>Age</th><th>Peer namespace held by</th><th>Deletable</th></tr>");
        foreach (var orphan in orphans)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(orphan.Name)}</td><td>{E(orphan.Bridge ?? "—")}</td><td>{E(orphan.Reason)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{Age(orphan.AgeSeconds)}</td><td>{E(Holders(orphan.Peer.Holders))}</td>");
            html.Append(orphan.Deletable
                ? "<td class=\"ok\">yes</td></tr>"
                : $"<td class=\"blocked\">no: {E(string.Join(", ", orphan.Blockers))}</td></tr>");
        }
        html.Append("</table></body></html>");
        return html.ToString();
    }

    private static string Holders(HoldersDocument holders) =>
        holders.Mounts.Count > 0 ? string.Join(", ", holders.Mounts) : "nothing visible";

    private static string Age(double? seconds) => seconds switch
    {
        null => "—",
        < 120 => $"{seconds:F0}s",
        < 7200 => $"{seconds / 60:F0}m",
        < 172800 => $"{seconds / 3600:F1}h",
        _ => $"{seconds / 86400:F1}d",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

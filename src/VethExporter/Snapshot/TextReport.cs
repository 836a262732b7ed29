using System.Globalization;
using System.Text;

namespace VethExporter.Snapshot;

/// <summary>The human-readable form of a snapshot: a summary line, then one row per veth, orphans first.</summary>
public static class TextReport
{
    public static string Render(SnapshotDocument snapshot)
    {
        var text = new StringBuilder();
        int orphans = snapshot.Interfaces.Count(i => i.State == Classification.VethStates.Orphan);
        text.Append(CultureInfo.InvariantCulture,
            $"scanned {snapshot.ScannedAt:yyyy-MM-ddTHH:mm:ssZ} in {snapshot.ScanDurationSeconds * 1000:F1} ms: ");
        text.Append(CultureInfo.InvariantCulture,
            $"{snapshot.Interfaces.Count} veth, {orphans} orphaned, {snapshot.Interfaces.Count(i => i.Deletable)} deletable; ");
        text.Append(CultureInfo.InvariantCulture,
            $"{snapshot.Namespaces.Count(n => n.PinnedWithoutProcess)} namespaces pinned without a process\n");
        if (!snapshot.HostViewComplete) text.Append("WARNING: host view incomplete; no orphan verdict can be acted on\n");
        foreach (var limitation in snapshot.Limitations) text.Append("  - ").Append(limitation).Append('\n');
        foreach (var runtime in snapshot.Runtimes)
        {
            text.Append(CultureInfo.InvariantCulture, $"runtime {runtime.Name} at {runtime.Socket}: {(runtime.Up ? "up" : "DOWN")}");
            text.Append(runtime.Version is null ? "" : " " + runtime.Version).Append(runtime.Error is null ? "" : " (" + runtime.Error + ")").Append('\n');
        }
        if (snapshot.Interfaces.Count > 0) AppendInterfaces(text, snapshot);
        if (snapshot.Attachments.Count > 0) AppendAttachments(text, snapshot);
        return text.ToString();
    }

    private static void AppendAttachments(StringBuilder text, SnapshotDocument snapshot)
    {
        int leaked = snapshot.Attachments.Count(a => a.State == Classification.AttachmentStates.Leaked);
        text.Append(CultureInfo.InvariantCulture, $"\n{snapshot.Attachments.Count} CNI attachments, {leaked} leaked\n");
        var rows = snapshot.Attachments
            .OrderBy(a => a.State == Classification.AttachmentStates.Leaked ? 0 : a.State == Classification.AttachmentStates.Unknown ? 1 : 2)
            .ThenBy(a => a.Network, StringComparer.Ordinal).ThenBy(a => a.ContainerId, StringComparer.Ordinal)
            .Select(a => new[]
            {
                a.Network,
                a.ContainerId.Length > 12 ? a.ContainerId[..12] : a.ContainerId,
                a.Pod is { } pod ? $"{pod.Namespace}/{pod.Name}" : "-",
                Runtime(a.Runtime),
                a.HostInterface ?? "-",
                string.Join(',', a.Ips.Select(ip => ip.Split('/')[0])) is { Length: > 0 } ips ? ips : "-",
                a.State,
                a.Reason,
                $"{a.Leases.Count} lease, {a.FirewallChains.Count} chain, {a.IfbDevices.Count} ifb",
                a.State != Classification.AttachmentStates.Leaked ? "" : a.Deletable ? "yes" : string.Join(',', a.Blockers),
            })
            .ToList();
        string[] header = ["NETWORK", "CONTAINER", "POD", "RUNTIME", "HOST VETH", "IPS", "STATE", "REASON", "LEFT BEHIND", "CNI_DEL / BLOCKERS"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        AppendRow(text, header, widths);
        foreach (var row in rows) AppendRow(text, row, widths);
    }

    private static void AppendInterfaces(StringBuilder text, SnapshotDocument snapshot)
    {
        var rows = snapshot.Interfaces
            .OrderBy(i => i.State == Classification.VethStates.Orphan ? 0 : i.State == Classification.VethStates.Transient ? 1 : 2)
            .ThenBy(i => i.Name, StringComparer.Ordinal)
            .Select(i => new[]
            {
                i.Name,
                i.Ifindex.ToString(CultureInfo.InvariantCulture),
                i.Bridge ?? "-",
                i.OperState,
                i.State,
                i.Reason,
                Holders(i.Peer),
                Runtime(i.Runtime),
                i.State != Classification.VethStates.Orphan ? "" : i.Deletable ? "yes" : string.Join(',', i.Blockers),
            })
            .ToList();
        string[] header = ["INTERFACE", "IFINDEX", "BRIDGE", "OPER", "STATE", "REASON", "PEER NETNS HOLDERS", "RUNTIME", "DELETABLE / BLOCKERS"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        AppendRow(text, header, widths);
        foreach (var row in rows) AppendRow(text, row, widths);
    }

    /// <summary>The runtime's word in one cell: <c>podman web-1 running</c>.</summary>
    private static string Runtime(RuntimeDocument? runtime) =>
        runtime is null ? "-" : $"{runtime.Name} {runtime.ContainerName ?? runtime.SandboxId[..Math.Min(12, runtime.SandboxId.Length)]} {runtime.State}";

    private static string Holders(PeerDocument peer)
    {
        var parts = new List<string>();
        if (peer.Holders.Processes.Count > 0) parts.Add("pid " + string.Join(',', peer.Holders.Processes.Take(3)) + (peer.Holders.Processes.Count > 3 ? ",…" : ""));
        if (peer.Holders.Fds.Count > 0) parts.Add("fd of pid " + string.Join(',', peer.Holders.Fds.Take(3)));
        if (peer.Holders.Mounts.Count > 0) parts.Add(string.Join(',', peer.Holders.Mounts.Take(2)));
        if (parts.Count == 0) parts.Add(peer.NetnsId is null ? "host" : "none visible");
        return string.Join("; ", parts);
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (int c = 0; c < cells.Length; c++)
        {
            text.Append(c == cells.Length - 1 ? cells[c] : cells[c].PadRight(widths[c] + 2));
        }
        text.Append('\n');
    }
}

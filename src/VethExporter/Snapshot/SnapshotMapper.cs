using VethExporter.Classification;
using VethExporter.Netlink;
using VethExporter.Scanning;
using VethExporter.Tracking;

namespace VethExporter.Snapshot;

/// <summary>Turns a scan (and, when there is one, its history) into the public snapshot document.</summary>
public static class SnapshotMapper
{
    private const int MaxListedProcesses = 16;

    public static SnapshotDocument ToDocument(ScanResult scan, Func<VethVerdict, InterfaceHistory?>? history = null,
        Func<AttachmentVerdict, InterfaceHistory?>? attachmentHistory = null)
    {
        var attachmentOf = new Dictionary<int, AttachmentKeyDocument>();
        foreach (var a in scan.Attachments)
        {
            if (a.HostInterface is { } link) attachmentOf.TryAdd(link.Index, new AttachmentKeyDocument(a.Key.Network, a.Key.ContainerId, a.Key.IfName));
        }
        var peersByInode = scan.Verdicts
            .Where(v => v.Peer.NetnsId is not null && v.Peer.NetnsInode is not null)
            .GroupBy(v => v.Peer.NetnsInode!.Value)
            .ToDictionary(g => g.Key, g => g.Count());

        var interfaces = scan.Verdicts
            .OrderBy(v => v.Link.Name, StringComparer.Ordinal)
            .Select(v => ToDocument(v, history?.Invoke(v), attachmentOf.GetValueOrDefault(v.Link.Index)))
            .ToList();

        var namespaces = scan.Inventory.Namespaces.Select(n => new NamespaceDocument(
                n.Inode,
                n.Nsid,
                n.Processes.Count,
                n.Processes.Take(MaxListedProcesses).Select(p => new ProcessDocument(p.Pid, p.State.ToString())).ToList(),
                n.Pins.Select(p => p.MountPoint).Distinct().ToList(),
                n.Fds.Select(f => f.Pid).Distinct().ToList(),
                n.PinnedWithoutProcess,
                n.Inode is ulong inode ? peersByInode.GetValueOrDefault(inode) : scan.Verdicts.Count(v => v.Peer.NetnsId == n.Nsid)))
            .ToList();

        var attachments = scan.Attachments
            .OrderBy(a => a.Key.Network, StringComparer.Ordinal).ThenBy(a => a.Key.ContainerId, StringComparer.Ordinal)
            .ThenBy(a => a.Key.IfName, StringComparer.Ordinal)
            .Select(a => ToDocument(a, attachmentHistory?.Invoke(a)))
            .ToList();

        var runtimes = scan.Runtime.Statuses
            .Select(r => new RuntimeStatusDocument(r.Name, r.Socket, r.Complete, r.Version, r.Error))
            .ToList();
        return new SnapshotDocument(scan.ScannedAt, scan.Duration.TotalSeconds, scan.HostViewComplete, scan.Limitations, interfaces, namespaces,
            attachments, runtimes);
    }

    private static AttachmentDocument ToDocument(AttachmentVerdict a, InterfaceHistory? history) => new(
        a.Key.Network,
        a.Key.ContainerId,
        a.Key.IfName,
        a.State,
        a.Reason,
        a.Netns,
        a.NetnsInode,
        a.HostInterface?.Name,
        a.Ips,
        a.Cache?.Pod is { } pod ? new PodDocument(pod.Namespace, pod.Name)
            : a.Runtime is { PodNamespace: { } ns, PodName: { } name } ? new PodDocument(ns, name) : null,
        RuntimeDocument.Of(a.Runtime),
        a.Leases.Select(l => l.Path).ToList(),
        a.Chains.Select(c => c.Chain).Distinct(StringComparer.Ordinal).ToList(),
        a.IfbDevices.Select(l => l.Name).ToList(),
        a.Cache?.Path,
        history?.FirstSeen,
        history is { } h ? Math.Round(h.Age.TotalSeconds, 3) : null,
        a.Deletable,
        a.Blockers);

    private static InterfaceDocument ToDocument(VethVerdict v, InterfaceHistory? history, AttachmentKeyDocument? attachment) => new(
        v.Link.Name,
        v.Link.Index,
        v.Link.Mac,
        OperStateName(v.Link.OperState),
        v.Bridge,
        v.State,
        v.Reason,
        new PeerDocument(v.Peer.Index, v.Peer.NetnsId, v.Peer.NetnsInode,
            new HoldersDocument(v.Peer.Processes, v.Peer.Mounts, v.Peer.Fds)),
        history?.FirstSeen,
        history is { } h ? Math.Round(h.Age.TotalSeconds, 3) : null,
        v.Deletable,
        v.Blockers,
        attachment,
        RuntimeDocument.Of(v.Runtime));

    /// <summary>The lowercase names `ip link` uses for IF_OPER_*.</summary>
    public static string OperStateName(OperState state) => state switch
    {
        OperState.Up => "up",
        OperState.Down => "down",
        OperState.LowerLayerDown => "lowerlayerdown",
        OperState.Dormant => "dormant",
        OperState.Testing => "testing",
        OperState.NotPresent => "notpresent",
        _ => "unknown",
    };
}

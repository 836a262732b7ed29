using VethExporter.Runtime;

namespace VethExporter.Classification;

/// <summary>
/// The runtime's word on the kernel's verdicts (ARCHITECTURE §7), purely. It never makes an orphan deletable and
/// never hides a leak a runtime does not vouch for: a ready CRI sandbox is in use (CRI-O runs pods without an
/// infra process); any other claim leaves the orphan an orphan, for the runtime to clean (runtime_owned).
/// </summary>
public static class RuntimeJudge
{
    /// <summary>Every veth whose peer namespace a runtime claims gets the runtime's identity; orphans of a ready CRI sandbox are in use.</summary>
    public static List<VethVerdict> Apply(IReadOnlyList<VethVerdict> verdicts, RuntimeClaims claims)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(claims);
        return verdicts.Select(v =>
        {
            if (v.Peer.NetnsId is null || claims.Of(v.Peer.NetnsInode) is not { } sandbox) return v;
            if (HeldOnlyByItsRuntime(v, claims.ServerOf(sandbox))) v = v with { State = VethStates.Orphan, Reason = Reasons.PinnedNoProcess };
            return v.IsOrphan && VouchesFor(sandbox)
                ? v with { State = VethStates.InUse, Reason = Reasons.RuntimeSandbox, Blockers = [], Runtime = sandbox }
                : v with { Runtime = sandbox };
        }).ToList();
    }

    /// <summary>
    /// The same for attachments, joined by namespace inode or by container id. A leaked attachment a runtime still
    /// lists is runtime_owned; one no runtime claims while a runtime could not be asked is runtime_unreachable.
    /// </summary>
    public static List<AttachmentVerdict> Apply(IReadOnlyList<AttachmentVerdict> attachments, RuntimeClaims claims)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        ArgumentNullException.ThrowIfNull(claims);
        return attachments.Select(a =>
        {
            var sandbox = claims.Of(a.NetnsInode) ?? a.InterfaceVerdict?.Runtime ?? claims.ById.GetValueOrDefault(a.Key.ContainerId);
            if (sandbox is not null && a.IsLeaked && VouchesFor(sandbox))
                return a with { State = AttachmentStates.Live, Reason = AttachmentReasons.RuntimeSandbox, Blockers = [], Runtime = sandbox };
            if (!a.IsLeaked) return a with { Runtime = sandbox };
            string? blocker = sandbox is not null ? Blockers.RuntimeOwned : claims.Unreachable.Count > 0 ? Blockers.RuntimeUnreachable : null;
            return blocker is null || a.Blockers.Contains(blocker)
                ? a with { Runtime = sandbox }
                : a with { Runtime = sandbox, Blockers = [.. a.Blockers, blocker] };
        }).ToList();
    }

    /// <summary>
    /// In use only through the runtime's own fd: podman's service opens a container's namespace to answer about it
    /// and closes it when it gets round to it. The runtime's bookkeeping is not a workload; pinned, with no task in
    /// it, the namespace is what it is without that fd — an orphan the runtime owns, which only it may clean.
    /// </summary>
    private static bool HeldOnlyByItsRuntime(VethVerdict v, int? runtimePid) =>
        runtimePid is int pid && v.State == VethStates.InUse && v.Reason == Reasons.Fd
        && v.Peer.Processes.Count == 0 && v.Peer.Mounts.Count > 0 && v.Peer.Fds.All(holder => holder == pid);

    /// <summary>Only a CRI runtime's ready sandbox is meant to be there without a process.</summary>
    public static bool VouchesFor(RuntimeSandbox sandbox) => RuntimeClaims.IsCri(sandbox) && sandbox.Running;

    /// <summary>The runtime blocker of an orphan: owned by the runtime that claims it, or in doubt while one is unreachable.</summary>
    public static string? BlockerFor(VethVerdict orphan, RuntimeClaims claims) =>
        orphan.Runtime is not null ? Blockers.RuntimeOwned
        : claims.Unreachable.Count > 0 ? Blockers.RuntimeUnreachable
        : null;
}

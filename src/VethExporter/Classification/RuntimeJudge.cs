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
            bool shared = claims.Shared(v.Peer.NetnsInode);
            if (!shared && HeldOnlyByItsRuntime(v, claims.ServerOf(sandbox))) v = v with { State = VethStates.Orphan, Reason = Reasons.PinnedNoProcess };
            return v.IsOrphan && VouchesFor(sandbox)
                ? v with { State = VethStates.InUse, Reason = Reasons.RuntimeSandbox, Blockers = [], Runtime = sandbox, RuntimeShared = shared }
                : v with { Runtime = sandbox, RuntimeShared = shared };
        }).ToList();
    }

    /// <summary>
    /// The same for attachments. Joined by namespace inode (or through its veth), a claim works as for veths. Joined
    /// by container id alone (the namespace is gone), the runtime owns the leftovers only while it calls the sandbox
    /// running or not ready with nothing of it alive: no process of its pid, no live namespace at its path. A
    /// stopped container, or one restarted into a new namespace, only names the attachment; cni_del stays its way.
    /// </summary>
    public static List<AttachmentVerdict> Apply(IReadOnlyList<AttachmentVerdict> attachments, RuntimeClaims claims)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        ArgumentNullException.ThrowIfNull(claims);
        return attachments.Select(a =>
        {
            var joined = claims.Of(a.NetnsInode) ?? a.InterfaceVerdict?.Runtime;
            var byId = joined is null ? claims.ById.GetValueOrDefault(a.Key.ContainerId) : null;
            var sandbox = joined ?? byId;
            bool shared = a.InterfaceVerdict?.RuntimeShared == true || claims.Shared(a.NetnsInode);
            if (sandbox is not null && a.IsLeaked && VouchesFor(sandbox))
                return a with { State = AttachmentStates.Live, Reason = AttachmentReasons.RuntimeSandbox, Blockers = [], Runtime = sandbox, RuntimeShared = shared };
            if (!a.IsLeaked) return a with { Runtime = sandbox, RuntimeShared = shared };
            bool owned = joined is not null || (byId is not null && claims.DeadButListed(byId));
            var blockers = a.Blockers.ToList();
            foreach (string blocker in Blockers(owned, claims))
                if (!blockers.Contains(blocker)) blockers.Add(blocker);
            return a with { Runtime = sandbox, RuntimeShared = shared, RuntimeOwned = owned, Blockers = blockers };
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

    /// <summary>
    /// The runtime blockers of an orphan: owned by the runtime that claims it, and in doubt while any runtime is
    /// unreachable (that one might claim it too: it blocks the runtime's cleanup as well as ours).
    /// </summary>
    public static IEnumerable<string> BlockersFor(VethVerdict orphan, RuntimeClaims claims) => Blockers(orphan.Runtime is not null, claims);

    private static IEnumerable<string> Blockers(bool owned, RuntimeClaims claims)
    {
        if (owned) yield return Classification.Blockers.RuntimeOwned;
        if (claims.Unreachable.Count > 0) yield return Classification.Blockers.RuntimeUnreachable;
    }
}

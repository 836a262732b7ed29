using VethExporter.Classification;
using VethExporter.Runtime;

namespace VethExporter.Remediation;

/// <summary>
/// Plans runtime_cleanup (ARCHITECTURE §7) for one sandbox, whole: stopping it takes every veth peered into its
/// namespace and every attachment it owns, so each of them must be cleanable too, each is planned (the first as
/// the action, the rest going with it) and counted against the budget. Pure.
/// </summary>
internal static class SandboxCleanupPlan
{
    /// <summary>
    /// The runtime's own plumbing (the bridge port, qdiscs and addresses its network setup made) and its ownership
    /// do not block runtime_cleanup; identity, age, protection, host view, XDP, firewall references, another
    /// runtime's silence and the budgets do.
    /// </summary>
    private static readonly HashSet<string> RuntimePlumbing =
        [Blockers.RuntimeOwned, Blockers.BridgePort, Blockers.BridgeMacSource, Blockers.Tc, Blockers.Addresses];

    public static bool Same(RuntimeSandbox? a, RuntimeSandbox b) => a is not null && a.Socket == b.Socket && a.SandboxId == b.SandboxId;

    /// <summary>What keeps one member from going by its runtime's cleanup.</summary>
    private static List<string> Blocking(VethVerdict? verdict, AttachmentVerdict? attachment)
    {
        var blockers = (verdict?.Blockers ?? []).Concat(attachment?.Blockers ?? []).Where(b => !RuntimePlumbing.Contains(b)).Distinct().ToList();
        // An attachment in doubt next to the runtime's claim: something does not add up.
        if (attachment is { IsLeaked: false }) blockers.Add(RefusalReasons.AttachmentUnknown);
        if (verdict is { IsOrphan: false }) blockers.Add(RefusalReasons.NotOrphan);
        if (verdict?.RuntimeShared == true || attachment?.RuntimeShared == true) blockers.Add(RefusalReasons.SandboxShared);
        return blockers;
    }

    /// <param name="key">The primary target's key: its veth's name, or the attachment's key.</param>
    /// <param name="taken">Link indexes and attachment keys planned here, which the caller must not plan again.</param>
    public static List<PlannedItem> Plan(string key, VethVerdict? verdict, AttachmentVerdict? attachment,
        IReadOnlyList<VethVerdict> verdicts, IReadOnlyDictionary<int, AttachmentVerdict> attachmentOf, IReadOnlyList<AttachmentVerdict> cached,
        DeletionAllowance allowance, IReadOnlySet<string>? alreadyDecided, ref int deletions, HashSet<int> takenLinks, HashSet<string> takenKeys)
    {
        var sandbox = verdict?.Runtime ?? attachment!.Runtime!;
        var blockers = Blocking(verdict, attachment);
        if (blockers.Count > 0) return [new PlannedItem(key, verdict, RemediationResults.Refused, RemediationActions.None, blockers, Attachment: attachment)];

        var veths = verdicts.Where(v => v != verdict && (Same(v.Runtime, sandbox)
            || (verdict is not null && v.Peer.NetnsId is not null && v.Peer.NetnsInode == verdict.Peer.NetnsInode))).ToList();
        var leftovers = cached.Where(a => a != attachment && a.HostInterface is null && a.IsLeaked && Same(a.Runtime, sandbox)).ToList();
        bool MemberBlocked(VethVerdict v) => Blocking(v, attachmentOf.GetValueOrDefault(v.Link.Index)).Count > 0 || !Same(v.Runtime, sandbox)
            || (alreadyDecided?.Contains(v.Link.Name) ?? false);
        if (veths.Any(MemberBlocked) || leftovers.Any(a => Blocking(null, a).Count > 0 || (alreadyDecided?.Contains(PlannedItem.KeyOf(a)) ?? false)))
            return [new PlannedItem(key, verdict, RemediationResults.Refused, RemediationActions.None, [RefusalReasons.SandboxMemberBlocked], Attachment: attachment)];
        if (allowance.Exhausted(deletions + veths.Count + leftovers.Count) is { } budget)
            return [new PlannedItem(key, verdict, RemediationResults.Refused, RemediationActions.None, [budget], Attachment: attachment)];

        deletions += 1 + veths.Count + leftovers.Count;
        var items = new List<PlannedItem> { new(key, verdict, null, RemediationActions.RuntimeCleanup, [], Attachment: attachment) };
        foreach (var v in veths)
        {
            takenLinks.Add(v.Link.Index);
            items.Add(new PlannedItem(v.Link.Name, v, null, RemediationActions.RuntimeCleanup, [], GoesWith: key, Attachment: attachmentOf.GetValueOrDefault(v.Link.Index)));
        }
        foreach (var a in leftovers)
        {
            takenKeys.Add(PlannedItem.KeyOf(a));
            items.Add(new PlannedItem(PlannedItem.KeyOf(a), null, null, RemediationActions.RuntimeCleanup, [], GoesWith: key, Attachment: a));
        }
        return items;
    }
}

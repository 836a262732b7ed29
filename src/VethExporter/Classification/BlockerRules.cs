namespace VethExporter.Classification;

/// <summary>
/// The static blockers of ARCHITECTURE §3: everything about an orphan that can be judged from one
/// scan. The history blockers (unstable_identity, too_young) come from the tracker.
/// </summary>
public static class BlockerRules
{
    public static List<string> Evaluate(VethVerdict verdict, BlockerContext context)
    {
        var blockers = new List<string>();
        if (!verdict.IsOrphan) return blockers;

        var link = verdict.Link;
        var policy = context.Policy;
        if (!context.HostViewComplete) blockers.Add(Blockers.HostViewIncomplete);

        if (link.MasterIndex is int masterIndex)
        {
            if (!policy.DetachBridged)
                blockers.Add(Blockers.BridgePort);
            else if (context.LinksByIndex.TryGetValue(masterIndex, out var master) && master.Mac == link.Mac && link.Mac.Length > 0)
                blockers.Add(Blockers.BridgeMacSource); // removing the port would change the bridge's MAC
        }

        if (context.LinksWithConfiguredQdisc.Contains(link.Index)) blockers.Add(Blockers.Tc);
        if (link.XdpAttached) blockers.Add(Blockers.Xdp);
        if (context.AddressedLinks.Contains(link.Index)) blockers.Add(Blockers.Addresses);
        if (context.FirewallReferences.Contains(link.Name)) blockers.Add(Blockers.Firewall);
        if (policy.Protect?.IsMatch(link.Name) == true) blockers.Add(Blockers.Protected);

        bool remediableReason = verdict.Reason switch
        {
            Reasons.NoVisibleHolder => policy.AllowNoVisibleHolder,
            Reasons.PeerNetnsStuck => policy.AllowPeerNetnsStuck,
            _ => true,
        };
        if (!remediableReason) blockers.Add(Blockers.ReasonNotRemediable);
        blockers.AddRange(RuntimeJudge.BlockersFor(verdict, context.Runtime));
        return blockers;
    }
}

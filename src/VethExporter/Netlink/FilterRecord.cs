namespace VethExporter.Netlink;

/// <summary>One tc filter (RTM_NEWTFILTER) on a link, with the mirred actions it carries.</summary>
/// <param name="Parent">The qdisc or class it hangs off (ffff:0000 for an ingress qdisc's filters).</param>
/// <param name="Kind">The classifier: u32, matchall, flower, bpf, basic, …</param>
/// <param name="Mirred">Every mirred action in it, in the kernel's order.</param>
public sealed record FilterRecord(int Index, uint Parent, uint Handle, string Kind, IReadOnlyList<MirredAction> Mirred);

/// <summary>
/// A mirred action (struct tc_mirred): sends the packet to <paramref name="TargetIndex"/>.
/// <paramref name="Eaction"/> is TCA_EGRESS_REDIR (1), TCA_EGRESS_MIRROR (2), TCA_INGRESS_REDIR (3) or
/// TCA_INGRESS_MIRROR (4); <paramref name="Action"/> the tc verdict after it (TC_ACT_STOLEN 4, TC_ACT_PIPE 3, …).
/// </summary>
public sealed record MirredAction(uint ActionIndex, int Action, int Eaction, int TargetIndex)
{
    public bool IsRedirect => Eaction is 1 or 3;
}

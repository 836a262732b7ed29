using VethExporter.Classification;

namespace VethExporter.Remediation;

/// <summary>
/// The planner's decision for one interface. <see cref="Result"/> is set when the decision is final
/// (refused, not_found); null means "act": delete (or report would_delete on a dry run), after one last
/// identity and holder check against the kernel.
/// </summary>
/// <param name="GoesWith">
/// Set on a veth that goes because of another interface's action: its namespace released (the kernel
/// destroys every veth peered into it), or the other end of its half-created pair deleted. It is planned,
/// counted and audited, but only that action removes it.
/// </param>
/// <param name="Attachment">For cni_del: the leaked CNI attachment the action undoes (its host veth, if any, is <see cref="Verdict"/>).</param>
public sealed record PlannedItem(string Interface, VethVerdict? Verdict, string? Result, string Action, IReadOnlyList<string> Blockers,
    string? GoesWith = null, AttachmentVerdict? Attachment = null)
{
    public bool Go => Result is null;

    /// <summary>The key a target goes by in plans and results: its host veth's name, or for an attachment without one network/containerId/ifName.</summary>
    public static string KeyOf(AttachmentVerdict a) => a.HostInterface?.Name ?? $"{a.Key.Network}/{a.Key.ContainerId}/{a.Key.IfName}";
}

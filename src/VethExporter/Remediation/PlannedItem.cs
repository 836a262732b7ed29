using VethExporter.Classification;

namespace VethExporter.Remediation;

/// <summary>
/// The planner's decision for one interface. <see cref="Result"/> is set when the decision is final
/// (refused, not_found); null means "act": delete (or report would_delete on a dry run), after one last
/// identity check against the kernel.
/// </summary>
public sealed record PlannedItem(string Interface, VethVerdict? Verdict, string? Result, string Action, IReadOnlyList<string> Blockers)
{
    public bool Go => Result is null;
}

using VethExporter.Classification;
using VethExporter.Tracking;

namespace VethExporter.Remediation;

/// <summary>
/// Decides, from a fresh scan, what a request may touch. Pure: the same verdicts and request always
/// give the same plan. Nothing that is not deletable by ARCHITECTURE §3 ever gets a go, and no more go's
/// than the budgets allow: those past it are refused naming the budget.
/// </summary>
public static class RemediationPlanner
{
    /// <param name="allowance">What is left of the budgets; by default the policy's per-request cap and no hourly cap.</param>
    /// <param name="alreadyDecided">Interfaces an earlier request of the same batch decided: left out of this plan.</param>
    /// <param name="attachments">The scan's CNI attachments: a veth that belongs to a cached one goes only by cni_del.</param>
    /// <param name="runtimeCleanup">A runtime can be asked to clean what it owns: runtime_owned targets go by runtime_cleanup.</param>
    public static List<PlannedItem> Plan(IReadOnlyList<VethVerdict> verdicts, RemediationRequest request, RemediationPolicy policy,
        DeletionAllowance? allowance = null, IReadOnlySet<string>? alreadyDecided = null, IReadOnlyList<AttachmentVerdict>? attachments = null,
        bool runtimeCleanup = false)
    {
        allowance ??= new DeletionAllowance(policy.MaxDeletes, int.MaxValue);
        var cached = (attachments ?? []).Where(a => a.Cache is not null).ToList();
        bool ByRuntime(AttachmentVerdict a) => runtimeCleanup && a.Runtime is not null && a.RuntimeOwned;
        var attachmentOf = new Dictionary<int, AttachmentVerdict>();
        foreach (var a in cached.Where(a => a.HostInterface is not null)) attachmentOf.TryAdd(a.HostInterface!.Index, a);
        // A name shared by several links (names that do not decode all read as U+FFFD) addresses none of them.
        var byName = verdicts.GroupBy(v => v.Link.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        bool Ambiguous(string name) => name.Contains('\uFFFD', StringComparison.Ordinal) || byName[name].Count > 1;
        var items = new List<PlannedItem>();
        IEnumerable<(string Name, VethVerdict? Verdict)> scope = request.All
            ? verdicts.Where(v => v.IsOrphan)
                .Where(v => request.Bridge is null || BridgeLabel.Of(v.Bridge) == request.Bridge)
                .Where(v => request.Reason is null || v.Reason == request.Reason)
                .OrderBy(v => v.Link.Name, StringComparer.Ordinal)
                .Select(v => (v.Link.Name, (VethVerdict?)v))
            : request.Interfaces.Distinct(StringComparer.Ordinal).Select(name => (name, byName.GetValueOrDefault(name)?[0]));

        int deletions = 0;
        var goesWithOther = new HashSet<int>();
        var goesWithKeys = new HashSet<string>(StringComparer.Ordinal);
        // Leaked attachments whose netns is gone have no veth to name them: `all` reaches them here.
        if (request.All && request.Bridge is null)
        {
            foreach (var a in cached.Where(a => a.IsLeaked && a.HostInterface is null && (request.Reason is null || a.Reason == request.Reason))
                .OrderBy(a => PlannedItem.KeyOf(a), StringComparer.Ordinal))
            {
                string key = PlannedItem.KeyOf(a);
                if ((alreadyDecided is not null && alreadyDecided.Contains(key)) || goesWithKeys.Contains(key)) continue;
                if (ByRuntime(a))
                    items.AddRange(SandboxCleanupPlan.Plan(key, null, a, verdicts, attachmentOf, cached, allowance, alreadyDecided, ref deletions, goesWithOther, goesWithKeys));
                else
                    items.Add(PlanCniDel(key, null, a, allowance, ref deletions));
            }
        }
        foreach (var (name, verdict) in scope)
        {
            if (alreadyDecided is not null && alreadyDecided.Contains(name)) continue;
            if (verdict is not null && goesWithOther.Contains(verdict.Link.Index)) continue;
            if (verdict is null)
            {
                items.Add(new PlannedItem(name, null, RemediationResults.NotFound, RemediationActions.None, []));
                continue;
            }
            if (Ambiguous(name))
            {
                items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [RefusalReasons.AmbiguousName]));
                continue;
            }
            if (!verdict.IsOrphan)
            {
                items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [RefusalReasons.NotOrphan]));
                continue;
            }
            // A sandbox its runtime still owns is the runtime's to clean: it runs its own DEL and forgets the sandbox.
            if (runtimeCleanup && verdict.Runtime is not null && verdict.Blockers.Contains(Blockers.RuntimeOwned))
            {
                items.AddRange(SandboxCleanupPlan.Plan(name, verdict, attachmentOf.GetValueOrDefault(verdict.Link.Index), verdicts, attachmentOf, cached,
                    allowance, alreadyDecided, ref deletions, goesWithOther, goesWithKeys));
                continue;
            }
            // A veth a CNI ADD made goes with its attachment, by the DEL that undoes all of it: deleting it
            // alone would strand the lease and make a later DEL leave the masquerade chain behind for good.
            if (attachmentOf.TryGetValue(verdict.Link.Index, out var attachment))
            {
                items.Add(attachment.IsLeaked
                    ? PlanCniDel(name, verdict, attachment, allowance, ref deletions)
                    : new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [RefusalReasons.AttachmentUnknown], Attachment: attachment));
                continue;
            }
            if (!verdict.Deletable)
            {
                items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, verdict.Blockers));
                continue;
            }
            // Both ends of a half-created pair are in the host: deleting one deletes the other, so the other
            // must be deletable too (its own bridge, tc, firewall, protection…), and it goes with this one.
            var pairEnd = verdict.Reason == Reasons.HalfCreated ? verdicts.FirstOrDefault(v => v.Link.Index == verdict.Link.PeerIndex) : null;
            if (verdict.Reason == Reasons.HalfCreated && (pairEnd is null || !pairEnd.Deletable
                || (alreadyDecided is not null && alreadyDecided.Contains(pairEnd.Link.Name))))
            {
                items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [RefusalReasons.PairEndBlocked]));
                continue;
            }
            if (allowance.Exhausted(deletions) is { } budget)
            {
                items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [budget]));
                continue;
            }
            string action = ActionFor(verdict, verdicts, policy, alreadyDecided);
            List<VethVerdict> followers = action == RemediationActions.ReleaseNetns ? Siblings(verdict, verdicts)
                : pairEnd is not null ? [pairEnd]
                : [];
            if (allowance.Exhausted(deletions + followers.Count) is { } tooMany)
            {
                if (pairEnd is not null)
                {
                    items.Add(new PlannedItem(name, verdict, RemediationResults.Refused, RemediationActions.None, [tooMany]));
                    continue;
                }
                // The whole namespace does not fit the budget: delete this veth alone.
                action = DeleteAction(verdict, policy);
                followers = [];
            }
            deletions += 1 + followers.Count;
            items.Add(new PlannedItem(name, verdict, null, action, []));
            foreach (var follower in followers)
            {
                goesWithOther.Add(follower.Link.Index);
                items.Add(new PlannedItem(follower.Link.Name, follower, null, action, [], GoesWith: name));
            }
        }
        return items;
    }

    private static PlannedItem PlanCniDel(string key, VethVerdict? verdict, AttachmentVerdict attachment, DeletionAllowance allowance, ref int deletions)
    {
        if (!attachment.Deletable)
            return new PlannedItem(key, verdict, RemediationResults.Refused, RemediationActions.None, attachment.Blockers, Attachment: attachment);
        if (allowance.Exhausted(deletions) is { } budget)
            return new PlannedItem(key, verdict, RemediationResults.Refused, RemediationActions.None, [budget], Attachment: attachment);
        deletions++;
        return new PlannedItem(key, verdict, null, RemediationActions.CniDel, [], Attachment: attachment);
    }

    /// <summary>The other veths peered into the same namespace: releasing it destroys them too.</summary>
    private static List<VethVerdict> Siblings(VethVerdict verdict, IReadOnlyList<VethVerdict> all) =>
        all.Where(v => v.Link.Index != verdict.Link.Index && v.Peer.NetnsInode == verdict.Peer.NetnsInode && v.Peer.NetnsId is not null).ToList();

    /// <summary>
    /// Releasing a pin tears down the whole namespace and every veth peered into it, so it is chosen only
    /// when each of those veths is itself deletable; otherwise the veth alone is deleted.
    /// </summary>
    private static string ActionFor(VethVerdict verdict, IReadOnlyList<VethVerdict> all, RemediationPolicy policy, IReadOnlySet<string>? alreadyDecided)
    {
        if (policy.ReleaseNetns && verdict.Reason == Reasons.PinnedNoProcess && verdict.Peer.NetnsInode is ulong inode
            && all.Where(v => v.Peer.NetnsInode == inode && v.Peer.NetnsId is not null)
                .All(v => v.Deletable && (v == verdict || alreadyDecided is null || !alreadyDecided.Contains(v.Link.Name))))
            return RemediationActions.ReleaseNetns;
        return DeleteAction(verdict, policy);
    }

    private static string DeleteAction(VethVerdict verdict, RemediationPolicy policy) =>
        verdict.Link.MasterIndex is not null && policy.DetachBridged ? RemediationActions.DetachDelete : RemediationActions.Delete;
}

using Microsoft.Extensions.Logging;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Interop;
using VethExporter.Metrics;
using VethExporter.Netlink;
using VethExporter.Service;

namespace VethExporter.Remediation;

/// <summary>
/// The verified delete path (ARCHITECTURE §3). Requests run one at a time. Each starts with a fresh
/// scan (so every blocker, history included, is judged now) and plans from it. Right before acting on
/// an interface it re-reads the link (name, MAC, peer and master unchanged) and the holders of its peer
/// namespace (no task, no fd), writes its intent to the audit file, and only then deletes by ifindex or
/// releases the pins; it confirms the result, audits it and rescans.
/// </summary>
internal sealed partial class Remediator(
    ScanCoordinator coordinator,
    RouteNetlinkClient netlink,
    KernelPaths paths,
    RemediationPolicy policy,
    AuditLog audit,
    RemediationMetrics metrics,
    TimeProvider clock,
    ILogger<Remediator> logger,
    HourlyDeletionBudget? hourly = null) : IDisposable
{
    private static readonly TimeSpan TeardownWait = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _serial = new(1, 1);

    public async Task<RemediationResponse> RemediateAsync(RemediationRequest request, string caller, string source, CancellationToken cancellationToken) =>
        (await RemediateBatchAsync([new RemediationWork(request, caller)], source, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>
    /// Runs the requests of one webhook notification or one poll against a single verifying scan. They
    /// share the per-request cap (so 256 alerts still delete at most --remediation.max-deletes) and, with
    /// every other request, the node's hourly budget; an interface decided by one is left to none after it.
    /// </summary>
    public async Task<IReadOnlyList<RemediationResponse>> RemediateBatchAsync(IReadOnlyList<RemediationWork> batch, string source, CancellationToken cancellationToken)
    {
        await _serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var responses = await coordinator.ScanThenAsync(
                fresh => ActOnBatchAsync(fresh, batch, source, cancellationToken), cancellationToken).ConfigureAwait(false);
            // Publish the result of our work at once rather than at the next tick.
            if (responses.Any(r => r.Results.Any(i => i.Result == RemediationResults.Deleted)))
                await coordinator.ScanNowAsync(cancellationToken).ConfigureAwait(false);
            return responses;
        }
        finally
        {
            _serial.Release();
        }
    }

    private async Task<List<RemediationResponse>> ActOnBatchAsync(PublishedSnapshot? fresh, IReadOnlyList<RemediationWork> batch, string source, CancellationToken cancellationToken)
    {
        var responses = new List<RemediationResponse>(batch.Count);
        int requestLeft = policy.MaxDeletes;
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var released = new HashSet<ulong>();
        foreach (var (request, caller) in batch)
        {
            var context = new RequestContext(Guid.NewGuid().ToString("N")[..12], caller, source, request.DryRun, fresh?.Scan.Inventory, released);
            var results = await ActOnAsync(fresh, request, context, new DeletionAllowance(requestLeft, hourly?.Remaining() ?? int.MaxValue), decided, cancellationToken)
                .ConfigureAwait(false);
            requestLeft -= results.Count(r => r.Result is RemediationResults.Deleted or RemediationResults.WouldDelete);
            decided.UnionWith(results.Select(r => r.Interface));
            responses.Add(new RemediationResponse(context.RequestId, request.DryRun, results));
        }
        return responses;
    }

    private async Task<List<InterfaceResult>> ActOnAsync(PublishedSnapshot? fresh, RemediationRequest request, RequestContext context,
        DeletionAllowance allowance, IReadOnlySet<string> decided, CancellationToken cancellationToken)
    {
        if (fresh is null)
        {
            return (request.All ? ["*"] : request.Interfaces)
                .Select(name => new InterfaceResult(name, RemediationResults.Failed, RemediationActions.None, null, null, null, null, [], "the verifying scan failed; nothing was touched"))
                .ToList();
        }
        var results = new List<InterfaceResult>();
        var plan = RemediationPlanner.Plan(fresh.Scan.Verdicts, request, policy, allowance, decided);
        List<PlannedItem> Siblings(PlannedItem item, int at) => plan.Skip(at + 1).TakeWhile(p => p.ReleasedWith == item.Interface).ToList();
        foreach (var item in plan)
        {
            var result = !item.Go ? Decided(item)
                : request.DryRun ? Outcome(item, RemediationResults.WouldDelete, null)
                : item.ReleasedWith is not null ? await FollowReleaseAsync(item, context, cancellationToken).ConfigureAwait(false)
                : await ExecuteAsync(item, context, Siblings(item, results.Count), cancellationToken).ConfigureAwait(false);
            if (result.Result == RemediationResults.Deleted && hourly?.Spend() is { } unsaved) LogBudgetUnsaved(logger, unsaved);
            results.Add(result);
            metrics.Record(result);
            audit.Write(AuditFor(context, item, result));
        }
        metrics.SetHourlyBudgetRemaining(hourly?.Remaining());
        return results;
    }

    /// <param name="siblings">The veths planned to go with this one's namespace when it is released.</param>
    private async Task<InterfaceResult> ExecuteAsync(PlannedItem item, RequestContext context, List<PlannedItem> siblings, CancellationToken cancellationToken)
    {
        var verdict = item.Verdict!;
        var link = verdict.Link;
        var now = netlink.GetLink(link.Index, out int errno);
        if (now is null)
        {
            return errno == Errno.ENODEV ? Outcome(item, RemediationResults.NotFound, "it disappeared before it was touched")
                : Outcome(item, RemediationResults.Failed, $"re-reading the link failed: {Errno.Describe(errno)}");
        }
        if (!SameIdentity(link, now))
            return Outcome(item with { Blockers = [RefusalReasons.IdentityChanged] }, RemediationResults.Refused,
                $"ifindex {link.Index} is now {now.Name} {now.Mac} (peer netns id {now.LinkNetnsId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
        // A container may have started in the namespace since the scan, or something opened it: look again.
        if (verdict.Peer.NetnsId is int peerNsid && verdict.Peer.NetnsInode is ulong peerInode
            && HolderRecheck.FindHolder(paths, netlink, peerInode, peerNsid) is { } holder)
            return Outcome(item with { Blockers = [RefusalReasons.HoldersChanged] }, RemediationResults.Refused, $"its peer namespace is held now: {holder}");

        string action = item.Action;
        List<NetnsPin>? pins = null;
        if (action == RemediationActions.ReleaseNetns && (pins = ReleasablePins(verdict, context.Inventory!)) is null)
            action = RemediationActions.Delete; // a pin is out of reach or not what mountinfo shows now: delete the veth alone
        item = item with { Action = action };

        // Write-ahead: nothing is done that the audit file does not already say is about to be done.
        var going = pins is null ? [item] : (List<PlannedItem>)[item, .. siblings];
        foreach (var goes in going)
        {
            if (!audit.Write(IntentFor(context, goes, item), sync: true))
                return Outcome(item with { Blockers = [RefusalReasons.AuditUnwritable] }, RemediationResults.Failed, "the audit file cannot be written; nothing was touched");
        }

        int rc;
        if (pins is not null)
        {
            rc = ReleasePins(pins, out string? failure);
            if (rc == 0) context.ReleasedNamespaces.Add(verdict.Peer.NetnsInode!.Value);
            else return Outcome(item, RemediationResults.Failed, failure);
        }
        else
        {
            rc = action == RemediationActions.DetachDelete ? netlink.DetachFromMaster(link.Index) : 0;
            if (rc == 0) rc = netlink.DeleteLink(link.Index);
        }
        if (rc != 0) return Outcome(item, RemediationResults.Failed, $"{action}: {Errno.Describe(rc)}");

        if (!await GoneAsync(link, cancellationToken).ConfigureAwait(false))
            return Outcome(item, RemediationResults.Failed, $"{link.Name} is still present after {action}");
        coordinator.MarkRemediated(verdict);
        LogDeleted(logger, link.Name, link.Index, action, context.RequestId);
        return Outcome(item, RemediationResults.Deleted, null);
    }

    /// <summary>A veth planned to go with another interface's namespace: gone if that release happened, else untouched.</summary>
    private async Task<InterfaceResult> FollowReleaseAsync(PlannedItem item, RequestContext context, CancellationToken cancellationToken)
    {
        var verdict = item.Verdict!;
        if (verdict.Peer.NetnsInode is not ulong inode || !context.ReleasedNamespaces.Contains(inode))
            return Outcome(item with { Blockers = [RefusalReasons.NamespaceNotReleased] }, RemediationResults.Refused,
                $"it was to go with the namespace of {item.ReleasedWith}, which was not released; it was not touched");
        if (!await GoneAsync(verdict.Link, cancellationToken).ConfigureAwait(false))
            return Outcome(item, RemediationResults.Failed, $"{verdict.Link.Name} is still present after its namespace was released");
        coordinator.MarkRemediated(verdict);
        LogDeleted(logger, verdict.Link.Name, verdict.Link.Index, item.Action, context.RequestId);
        return Outcome(item, RemediationResults.Deleted, null);
    }

    /// <summary>Same ifindex, and still the same device: name, MAC, kind, peer and master unchanged.</summary>
    internal static bool SameIdentity(LinkRecord before, LinkRecord now) =>
        before.Index == now.Index && before.Name == now.Name && before.Mac == now.Mac && now.IsVeth
        && before.LinkNetnsId == now.LinkNetnsId && before.PeerIndex == now.PeerIndex && before.MasterIndex == now.MasterIndex;

    /// <summary>
    /// The pins of the peer namespace, if every one of them is in our own mount namespace and our
    /// mountinfo, read now, still shows that namespace's nsfs mount on top at each path.
    /// </summary>
    private List<NetnsPin>? ReleasablePins(VethVerdict verdict, HostInventorySnapshot inventory)
    {
        if (verdict.Peer.NetnsInode is not ulong inode) return null;
        var pins = inventory.Namespaces.FirstOrDefault(n => n.Inode == inode)?.Pins;
        if (pins is not { Count: > 0 } || !pins.All(p => p.InOwnMountNs && p.Reachable)) return null;
        var mountinfo = PosixFile.TryReadAll($"{paths.Procfs}/self/mountinfo", out _);
        if (mountinfo is null) return null;
        var current = MountInfoParser.ParseNetnsPins(mountinfo);
        return pins.All(pin => current.Contains(new NsfsMount(inode, pin.MountPoint, Reachable: true))) ? pins.ToList() : null;
    }

    private static int ReleasePins(List<NetnsPin> pins, out string? failure)
    {
        failure = null;
        foreach (var pin in pins.DistinctBy(p => p.MountPoint))
        {
            int rc = PinRemoval.Unmount(pin.MountPoint);
            if (rc != 0)
            {
                failure = $"umount {pin.MountPoint}: {Errno.Describe(rc)}";
                return rc;
            }
            // What is left is the empty file `ip netns add` bound over; anything else there is not ours to remove.
            _ = PinRemoval.RemovePlaceholder(pin.MountPoint);
        }
        return 0;
    }

    /// <summary>Deletion is synchronous; a released namespace is torn down by the kernel shortly after.</summary>
    private async Task<bool> GoneAsync(LinkRecord link, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + TeardownWait;
        while (true)
        {
            var now = netlink.GetLink(link.Index, out _);
            if (now is null || now.Name != link.Name || now.Mac != link.Mac) return true;
            if (clock.GetUtcNow() >= deadline) return false;
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    private static InterfaceResult Decided(PlannedItem item) => Outcome(item, item.Result!, null);

    private static InterfaceResult Outcome(PlannedItem item, string result, string? error) => new(
        item.Interface, result, item.Action, item.Verdict?.Link.Index, item.Verdict?.Bridge, item.Verdict?.State, item.Verdict?.Reason,
        item.Blockers, error);

    /// <summary>The line written before an action: what is about to go, and why it may.</summary>
    private AuditRecord IntentFor(RequestContext context, PlannedItem goes, PlannedItem primary)
    {
        var pending = new InterfaceResult(goes.Interface, AuditPhases.Pending, primary.Action, goes.Verdict?.Link.Index, goes.Verdict?.Bridge,
            goes.Verdict?.State, goes.Verdict?.Reason, [], null);
        var withPrimary = goes == primary ? goes : goes with { Action = primary.Action };
        return AuditFor(context, withPrimary, pending) with { Phase = AuditPhases.Intent };
    }

    private AuditRecord AuditFor(RequestContext context, PlannedItem item, InterfaceResult result)
    {
        var v = item.Verdict;
        var checks = new List<AuditCheck> { new("found", v is not null) };
        if (v is not null)
        {
            checks.Add(new AuditCheck("orphan", v.IsOrphan, $"{v.State}/{v.Reason}"));
            checks.AddRange(v.Blockers.Select(b => new AuditCheck(b, false)));
            if (item.Go && !context.DryRun && item.ReleasedWith is null)
            {
                checks.Add(new AuditCheck("identity_recheck", !result.Blockers.Contains(RefusalReasons.IdentityChanged)));
                if (!result.Blockers.Contains(RefusalReasons.IdentityChanged))
                    checks.Add(new AuditCheck("holder_recheck", !result.Blockers.Contains(RefusalReasons.HoldersChanged)));
            }
        }
        return new AuditRecord(clock.GetUtcNow(), context.RequestId, context.Caller, context.Source, context.DryRun,
            new AuditedInterface(item.Interface, v?.Link.Index, v?.Link.Mac, v?.Bridge, v?.Peer.NetnsId, v?.Peer.NetnsInode),
            v?.State, v?.Reason, checks, result.Action, result.Result, result.Blockers, result.Error, ReleasedWith: item.ReleasedWith);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "the hourly deletion budget could not be written ({Error}); it holds in memory until a restart")]
    private static partial void LogBudgetUnsaved(ILogger logger, string error);

    private sealed record RequestContext(string RequestId, string Caller, string Source, bool DryRun, HostInventorySnapshot? Inventory, HashSet<ulong> ReleasedNamespaces);

    [LoggerMessage(Level = LogLevel.Warning, Message = "remediation deleted {Interface} (ifindex {Ifindex}) by {Action}, request {RequestId}")]
    private static partial void LogDeleted(ILogger logger, string @interface, int ifindex, string action, string requestId);

    public void Dispose() => _serial.Dispose();
}

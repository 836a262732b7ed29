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
/// scan (so every blocker, history included, is judged now), plans from it, re-reads each link from
/// the kernel right before acting and deletes by ifindex only if name, MAC, peer and master are
/// unchanged, confirms it is gone, audits every decision and rescans.
/// </summary>
internal sealed partial class Remediator(
    ScanCoordinator coordinator,
    RouteNetlinkClient netlink,
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
        foreach (var item in RemediationPlanner.Plan(fresh.Scan.Verdicts, request, policy, allowance, decided))
        {
            var result = !item.Go ? Decided(item)
                : request.DryRun ? Outcome(item, RemediationResults.WouldDelete, null)
                : await ExecuteAsync(item, context, cancellationToken).ConfigureAwait(false);
            if (result.Result == RemediationResults.Deleted && hourly?.Spend() is { } unsaved) LogBudgetUnsaved(logger, unsaved);
            results.Add(result);
            metrics.Record(result);
            audit.Write(AuditFor(context, item, result));
        }
        metrics.SetHourlyBudgetRemaining(hourly?.Remaining());
        return results;
    }

    private async Task<InterfaceResult> ExecuteAsync(PlannedItem item, RequestContext context, CancellationToken cancellationToken)
    {
        var verdict = item.Verdict!;
        var link = verdict.Link;
        var now = netlink.GetLink(link.Index, out int errno);
        if (now is null)
        {
            // Released together with an earlier interface's namespace in this very request?
            bool ours = verdict.Peer.NetnsInode is ulong inode && context.ReleasedNamespaces.Contains(inode);
            return ours ? Outcome(item with { Action = RemediationActions.ReleaseNetns }, RemediationResults.Deleted, null)
                : errno == Errno.ENODEV ? Outcome(item, RemediationResults.NotFound, "it disappeared before it was touched")
                : Outcome(item, RemediationResults.Failed, $"re-reading the link failed: {Errno.Describe(errno)}");
        }
        if (!SameIdentity(link, now))
            return Outcome(item with { Blockers = [RefusalReasons.IdentityChanged] }, RemediationResults.Refused,
                $"ifindex {link.Index} is now {now.Name} {now.Mac} (peer netns id {now.LinkNetnsId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");

        string action = item.Action;
        int rc;
        if (action == RemediationActions.ReleaseNetns && ReleasablePins(verdict, context.Inventory!) is { } pins)
        {
            rc = ReleasePins(pins);
            if (rc == 0) context.ReleasedNamespaces.Add(verdict.Peer.NetnsInode!.Value);
        }
        else
        {
            if (action == RemediationActions.ReleaseNetns) action = RemediationActions.Delete; // pins not all reachable: delete the veth alone
            rc = action == RemediationActions.DetachDelete ? netlink.DetachFromMaster(link.Index) : 0;
            if (rc == 0) rc = netlink.DeleteLink(link.Index);
        }
        item = item with { Action = action };
        if (rc != 0) return Outcome(item, RemediationResults.Failed, $"{action}: {Errno.Describe(rc)}");

        if (!await GoneAsync(link, cancellationToken).ConfigureAwait(false))
            return Outcome(item, RemediationResults.Failed, $"{link.Name} is still present after {action}");
        coordinator.MarkRemediated(verdict);
        LogDeleted(logger, link.Name, link.Index, action, context.RequestId);
        return Outcome(item, RemediationResults.Deleted, null);
    }

    /// <summary>Same ifindex, and still the same device: name, MAC, kind, peer and master unchanged.</summary>
    internal static bool SameIdentity(LinkRecord before, LinkRecord now) =>
        before.Index == now.Index && before.Name == now.Name && before.Mac == now.Mac && now.IsVeth
        && before.LinkNetnsId == now.LinkNetnsId && before.PeerIndex == now.PeerIndex && before.MasterIndex == now.MasterIndex;

    /// <summary>The pins of the peer namespace, if every one of them is in our own mount namespace.</summary>
    private static List<NetnsPin>? ReleasablePins(VethVerdict verdict, HostInventorySnapshot inventory)
    {
        var pins = inventory.Namespaces.FirstOrDefault(n => n.Inode == verdict.Peer.NetnsInode)?.Pins;
        return pins is { Count: > 0 } && pins.All(p => p.InOwnMountNs) ? pins.ToList() : null;
    }

    private static unsafe int ReleasePins(List<NetnsPin> pins)
    {
        foreach (var pin in pins)
        {
            var path = System.Text.Encoding.UTF8.GetBytes(pin.MountPoint + "\0");
            fixed (byte* p = path)
            {
                if (Tmds.Linux.LibC.umount2(p, Tmds.Linux.LibC.MNT_DETACH) != 0 && Errno.Last is int e && e != Errno.EINVAL) return e;
                if (Tmds.Linux.LibC.unlink(p) != 0 && Errno.Last is int u && u != Errno.ENOENT) return u;
            }
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

    private AuditRecord AuditFor(RequestContext context, PlannedItem item, InterfaceResult result)
    {
        var v = item.Verdict;
        var checks = new List<AuditCheck> { new("found", v is not null) };
        if (v is not null)
        {
            checks.Add(new AuditCheck("orphan", v.IsOrphan, $"{v.State}/{v.Reason}"));
            checks.AddRange(v.Blockers.Select(b => new AuditCheck(b, false)));
            if (item.Go && !context.DryRun) checks.Add(new AuditCheck("identity_recheck", !result.Blockers.Contains(RefusalReasons.IdentityChanged)));
        }
        return new AuditRecord(clock.GetUtcNow(), context.RequestId, context.Caller, context.Source, context.DryRun,
            new AuditedInterface(item.Interface, v?.Link.Index, v?.Link.Mac, v?.Bridge, v?.Peer.NetnsId, v?.Peer.NetnsInode),
            v?.State, v?.Reason, checks, result.Action, result.Result, result.Blockers, result.Error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "the hourly deletion budget could not be written ({Error}); it holds in memory until a restart")]
    private static partial void LogBudgetUnsaved(ILogger logger, string error);

    private sealed record RequestContext(string RequestId, string Caller, string Source, bool DryRun, HostInventorySnapshot? Inventory, HashSet<ulong> ReleasedNamespaces);

    [LoggerMessage(Level = LogLevel.Warning, Message = "remediation deleted {Interface} (ifindex {Ifindex}) by {Action}, request {RequestId}")]
    private static partial void LogDeleted(ILogger logger, string @interface, int ifindex, string action, string requestId);

    public void Dispose() => _serial.Dispose();
}

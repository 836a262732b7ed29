using Microsoft.Extensions.Logging;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Interop;
using VethExporter.Metrics;
using VethExporter.Netlink;
using VethExporter.Runtime;
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
    HourlyDeletionBudget? hourly = null,
    CniCleanup? cni = null,
    RuntimeCleaner? runtime = null) : IDisposable
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

    private async Task<List<RemediationResponse>> ActOnBatchAsync(PublishedScan? fresh, IReadOnlyList<RemediationWork> batch, string source, CancellationToken cancellationToken)
    {
        var responses = new List<RemediationResponse>(batch.Count);
        int requestLeft = policy.MaxDeletes;
        var decided = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (request, caller) in batch)
        {
            var context = new RequestContext(Guid.NewGuid().ToString("N")[..12], caller, source, request.DryRun, fresh?.Scan.Inventory,
                new HashSet<string>(StringComparer.Ordinal))
            {
                RuntimeServers = (fresh?.Scan.Runtime.Statuses ?? []).GroupBy(s => s.Socket, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First().ServerPid, StringComparer.Ordinal),
            };
            var results = await ActOnAsync(fresh, request, context, new DeletionAllowance(requestLeft, hourly?.Remaining() ?? int.MaxValue), decided, cancellationToken)
                .ConfigureAwait(false);
            // What the kernel was asked to do counts, whether or not its end was seen in time.
            requestLeft -= results.Count(r => r.Result == RemediationResults.WouldDelete || context.Acted.Contains(r.Target));
            decided.UnionWith(results.Select(r => r.Target));
            responses.Add(new RemediationResponse(context.RequestId, request.DryRun, results));
        }
        return responses;
    }

    private async Task<List<InterfaceResult>> ActOnAsync(PublishedScan? fresh, RemediationRequest request, RequestContext context,
        DeletionAllowance allowance, IReadOnlySet<string> decided, CancellationToken cancellationToken)
    {
        if (fresh is null)
        {
            return (request.All ? ["*"] : request.Interfaces)
                .Select(name => new InterfaceResult(name, RemediationResults.Failed, RemediationActions.None, null, null, null, null, [], "the verifying scan failed; nothing was touched"))
                .ToList();
        }
        var results = new List<InterfaceResult>();
        var plan = RemediationPlanner.Plan(fresh.Scan.Verdicts, request, policy, allowance, decided, cni is null ? null : fresh.Scan.Attachments,
            runtimeCleanup: runtime is not null);
        List<PlannedItem> Followers(PlannedItem item, int at) => plan.Skip(at + 1).TakeWhile(p => p.GoesWith == item.Interface).ToList();
        foreach (var item in plan)
        {
            var result = !item.Go ? Decided(item)
                : item.Action == RemediationActions.CniDel ? await CniDelAsync(item, fresh, context, cancellationToken).ConfigureAwait(false)
                : item.Action == RemediationActions.RuntimeCleanup && item.GoesWith is null ? await RuntimeCleanupAsync(item, context, Followers(item, results.Count)).ConfigureAwait(false)
                : item.GoesWith is not null && item.Verdict is null ? FollowAttachment(item, context, request.DryRun)
                : request.DryRun ? Outcome(item, RemediationResults.WouldDelete, null)
                : item.GoesWith is not null ? await FollowAsync(item, context).ConfigureAwait(false)
                : await ExecuteAsync(item, context, Followers(item, results.Count), cancellationToken).ConfigureAwait(false);
            if (context.Acted.Contains(item.Interface) && hourly?.Spend() is { } unsaved) LogBudgetUnsaved(logger, unsaved);
            results.Add(result);
            metrics.Record(result);
            audit.Write(AuditFor(context, item, result));
        }
        metrics.SetHourlyBudgetRemaining(hourly?.Remaining());
        return results;
    }

    /// <param name="followers">The veths planned to go with this one: the rest of a released namespace, the other end of a pair.</param>
    private async Task<InterfaceResult> ExecuteAsync(PlannedItem item, RequestContext context, List<PlannedItem> followers, CancellationToken cancellationToken)
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

        string action = item.Action;
        List<NetnsPin>? pins = null;
        if (action == RemediationActions.ReleaseNetns)
        {
            pins = verdict.Peer.NetnsInode is ulong peerNs ? ReleasablePins(peerNs, context.Inventory!) : null;
            // Everything in the namespace dies with it: only lo and the veths planned with this one may be there.
            if (pins is not null && OtherLinksIn(pins[0], verdict.Peer.NetnsInode!.Value, [item, .. followers]) is { } others)
            {
                LogReleaseRefused(logger, link.Name, others);
                pins = null;
            }
            if (pins is null)
            {
                action = RemediationActions.Delete; // a pin out of reach, or more in the namespace than planned: the veth alone
                followers = [];
            }
        }
        item = item with { Action = action };

        // Write-ahead: the intent is on disk before the last look and the action, so nothing is done that
        // the audit file does not already say is about to be done.
        foreach (var goes in (List<PlannedItem>)[item, .. followers])
        {
            if (!audit.Write(IntentFor(context, goes, item), sync: true))
                return Outcome(item with { Blockers = [RefusalReasons.AuditUnwritable] }, RemediationResults.Failed, "the audit file cannot be written; nothing was touched");
        }
        // A container may have started in the namespace since the scan, or something opened it: look again, last.
        if (verdict.Peer.NetnsId is int peerNsid && verdict.Peer.NetnsInode is ulong peerInode
            && HolderRecheck.FindHolder(paths, netlink, peerInode, peerNsid) is { } holder)
            return Outcome(item with { Blockers = [RefusalReasons.HoldersChanged] }, RemediationResults.Refused, $"its peer namespace is held now: {holder}");

        int rc;
        if (pins is not null)
        {
            rc = ReleasePins(pins, out string? failure);
            if (rc != 0) return Outcome(item, RemediationResults.Failed, failure);
        }
        else
        {
            rc = action == RemediationActions.DetachDelete ? netlink.DetachFromMaster(link.Index) : 0;
            if (rc == 0) rc = netlink.DeleteLink(link.Index);
        }
        if (rc != 0) return Outcome(item, RemediationResults.Failed, $"{action}: {Errno.Describe(rc)}");
        return await ConfirmGoneAsync(item, context, $"after {action}").ConfigureAwait(false);
    }

    /// <summary>
    /// cni_del (ARCHITECTURE §6): the host veth re-read, the intent written, the namespace's holders looked
    /// at again, then the DEL replay and the rest (<see cref="CniCleanup"/>), verified. A dry run resolves
    /// the plugins too, so it says exactly what would run and what would go.
    /// </summary>
    private async Task<InterfaceResult> CniDelAsync(PlannedItem item, PublishedScan fresh, RequestContext context, CancellationToken cancellationToken)
    {
        var attachment = item.Attachment!;
        // CNI_NETNS: the cached pin only while it reaches the very namespace the scan saw; else the DEL runs as for a gone netns.
        string netnsArgument = attachment.PinLeaked && attachment.Netns is { } path
            && fresh.Scan.Cni.NetnsPaths.GetValueOrDefault(path)?.Inode is ulong inode && inode == attachment.NetnsInode ? path : "";
        var (calls, refusal) = cni!.Resolve(attachment, netnsArgument);
        var pins = attachment.PinLeaked && attachment.NetnsInode is ulong pinned ? ReleasablePins(pinned, context.Inventory!) ?? [] : [];
        var removes = Removes(attachment, pins, calls.Select(c => c.Path));
        if (refusal is not null)
            return Outcome(item with { Blockers = [RefusalReasons.PluginUnusable] }, RemediationResults.Refused, refusal) with { Removes = removes };
        if (context.DryRun) return Outcome(item, RemediationResults.WouldDelete, null) with { Removes = removes };

        if (attachment.HostInterface is { } link)
        {
            var now = netlink.GetLink(link.Index, out int errno);
            if (now is null && !Errno.IsGone(errno))
                return Outcome(item, RemediationResults.Failed, $"re-reading the link failed: {Errno.Describe(errno)}");
            if (now is not null && !SameIdentity(link, now))
                return Outcome(item with { Blockers = [RefusalReasons.IdentityChanged] }, RemediationResults.Refused,
                    $"ifindex {link.Index} is now {now.Name} {now.Mac}") with { Removes = removes };
        }
        if (!audit.Write(IntentFor(context, item, item), sync: true))
            return Outcome(item with { Blockers = [RefusalReasons.AuditUnwritable] }, RemediationResults.Failed, "the audit file cannot be written; nothing was touched");
        if (item.Verdict?.Peer is { NetnsId: int peerNsid, NetnsInode: ulong peerInode }
            && HolderRecheck.FindHolder(paths, netlink, peerInode, peerNsid) is { } holder)
            return Outcome(item with { Blockers = [RefusalReasons.HoldersChanged] }, RemediationResults.Refused, $"its namespace is held now: {holder}");

        // The pin goes only if nothing but what this DEL removes lives in the namespace.
        if (pins.Count > 0 && OtherLinksIn(pins[0], attachment.NetnsInode!.Value, item.Verdict is null ? [] : [item]) is { } others)
        {
            LogReleaseRefused(logger, PlannedItem.KeyOf(attachment), others);
            pins = [];
        }
        context.Acted.Add(item.Interface);
        var outcome = await cni.RunAsync(attachment, netnsArgument, pins, CancellationToken.None).ConfigureAwait(false);
        var result = outcome.Done
            ? Outcome(item, RemediationResults.Deleted, null)
            : Outcome(item, RemediationResults.Failed, outcome.Error);
        if (outcome.Done)
        {
            if (item.Verdict is not null) coordinator.MarkRemediated(item.Verdict);
            LogDeleted(logger, item.Interface, attachment.HostInterface?.Index ?? 0, item.Action, context.RequestId);
        }
        return result with { Removes = [.. removes, .. outcome.Steps.Select(step => "done: " + step)] };
    }

    /// <summary>
    /// runtime_cleanup (ARCHITECTURE §7): the host veth re-read, the intent written, the namespace's holders looked
    /// at again; then the owning runtime stops and removes the sandbox, which runs its own teardown. What it leaves
    /// (a runtime that forgot its CNI state, a veth it never knew) goes by cni_del, then by detach-and-delete, each
    /// only as the scan allowed it; then everything is checked gone from the kernel and the filesystem.
    /// </summary>
    /// <param name="followers">The other veths and attachments of the sandbox, planned to go with it.</param>
    private async Task<InterfaceResult> RuntimeCleanupAsync(PlannedItem item, RequestContext context, List<PlannedItem> followers)
    {
        var verdict = item.Verdict;
        var attachment = item.Attachment;
        var sandbox = verdict?.Runtime ?? attachment!.Runtime!;
        ulong? inode = verdict?.Peer.NetnsInode ?? attachment?.NetnsInode;
        var pins = inode is ulong pinned ? context.Inventory!.Namespaces.FirstOrDefault(n => n.Inode == pinned)?.Pins ?? [] : [];
        var removes = new List<string>
        {
            $"ask {sandbox.Runtime} ({sandbox.Socket}) to stop and remove {sandbox.SandboxId}{(sandbox.ContainerName is { } n ? $" ({n})" : "")}",
        };
        if (verdict is not null) removes.Add($"veth {verdict.Link.Name}");
        if (attachment is not null) removes.AddRange(Removes(attachment, [], []).Where(r => verdict is null || r != $"veth {verdict.Link.Name}"));
        removes.AddRange(pins.Select(p => $"pin {p.MountPoint}").Distinct(StringComparer.Ordinal));
        if (context.DryRun) return Outcome(item, RemediationResults.WouldDelete, null) with { Removes = removes };

        if (verdict is not null)
        {
            var now = netlink.GetLink(verdict.Link.Index, out int errno);
            if (now is null)
            {
                return Errno.IsGone(errno) ? Outcome(item, RemediationResults.NotFound, "it disappeared before it was touched")
                    : Outcome(item, RemediationResults.Failed, $"re-reading the link failed: {Errno.Describe(errno)}");
            }
            if (!SameIdentity(verdict.Link, now))
                return Outcome(item with { Blockers = [RefusalReasons.IdentityChanged] }, RemediationResults.Refused,
                    $"ifindex {verdict.Link.Index} is now {now.Name} {now.Mac}") with { Removes = removes };
        }
        // Write-ahead for everything the runtime's cleanup takes.
        foreach (var goes in (List<PlannedItem>)[item, .. followers])
        {
            if (!audit.Write(IntentFor(context, goes, item), sync: true))
                return Outcome(item with { Blockers = [RefusalReasons.AuditUnwritable] }, RemediationResults.Failed, "the audit file cannot be written; nothing was touched");
        }
        if (verdict?.Peer is { NetnsId: int peerNsid, NetnsInode: ulong peerInode }
            && HolderRecheck.FindHolder(paths, netlink, peerInode, peerNsid, context.RuntimeServers.GetValueOrDefault(sandbox.Socket)) is { } holder)
            return Outcome(item with { Blockers = [RefusalReasons.HoldersChanged] }, RemediationResults.Refused, $"its namespace is held now: {holder}");

        // The runtime's word again, last: a container restarted under its policy keeps its id, not its namespace.
        if (await runtime!.ChangedAsync(sandbox, CancellationToken.None).ConfigureAwait(false) is { } changed)
            return Outcome(item with { Blockers = [RefusalReasons.SandboxChanged] }, RemediationResults.Refused, changed) with { Removes = removes };

        context.Acted.Add(item.Interface);
        var asked = await runtime.StopAndRemoveAsync(sandbox, CancellationToken.None).ConfigureAwait(false);
        var steps = asked.Steps.ToList();
        if (!asked.Done) return Outcome(item, RemediationResults.Failed, asked.Error) with { Removes = [.. removes, .. steps.Select(s => "done: " + s)] };

        var left = await LeftAfterRuntimeAsync(item, pins, settle: true).ConfigureAwait(false);
        if (left.Count > 0)
        {
            steps.Add($"{sandbox.Runtime} left {string.Join(", ", left)}");
            await FinishAfterRuntimeAsync(item, pins, steps, context).ConfigureAwait(false);
            left = await LeftAfterRuntimeAsync(item, pins, settle: false).ConfigureAwait(false);
        }
        var result = left.Count == 0
            ? Outcome(item, RemediationResults.Deleted, null)
            : Outcome(item, RemediationResults.Failed, "still present after runtime_cleanup: " + string.Join(", ", left));
        if (left.Count == 0)
        {
            if (verdict is not null) coordinator.MarkRemediated(verdict);
            LogDeleted(logger, item.Interface, verdict?.Link.Index ?? 0, item.Action, context.RequestId);
        }
        return result with { Removes = [.. removes, .. steps.Select(s => "done: " + s)] };
    }

    /// <summary>
    /// After the runtime: its CNI state, if it left any, by cni_del (the pin only when it still reaches the namespace
    /// and nothing else lives there); a veth no DEL explains by detach-and-delete, only if nothing but the runtime's
    /// ownership blocked it.
    /// </summary>
    private async Task FinishAfterRuntimeAsync(PlannedItem item, IReadOnlyList<NetnsPin> pins, List<string> steps, RequestContext context)
    {
        var attachment = item.Attachment;
        // Our own hands now: no exception for anyone's fd, the runtime's included, and our own intent first.
        if (item.Verdict?.Peer is { NetnsId: int nsid, NetnsInode: ulong peerInode } && netlink.GetLink(item.Verdict.Link.Index, out _) is not null
            && HolderRecheck.FindHolder(paths, netlink, peerInode, nsid) is { } holder)
        {
            steps.Add($"not finished by us: its namespace is held: {holder}");
            return;
        }
        string fallback = cni is not null && attachment is { Cache: { } cached } && File.Exists(cached.Path) ? RemediationActions.CniDel
            : item.Verdict?.Link.MasterIndex is not null ? RemediationActions.DetachDelete : RemediationActions.Delete;
        if (!audit.Write(IntentFor(context, item with { Action = fallback }, item with { Action = fallback }), sync: true))
        {
            steps.Add("not finished by us: the audit file cannot be written");
            return;
        }
        if (cni is not null && attachment is { Cache: { } entry } && File.Exists(entry.Path))
        {
            string netnsArgument = attachment.Netns is { } path && attachment.NetnsInode is ulong inode && PinReaches(path, inode) ? path : "";
            var ownPins = pins.Where(p => p.InOwnMountNs && attachment.NetnsInode is ulong i && PinReaches(p.MountPoint, i)).ToList();
            if (ownPins.Count > 0 && OtherLinksIn(ownPins[0], attachment.NetnsInode!.Value, item.Verdict is null ? [] : [item]) is not null) ownPins = [];
            var outcome = await cni.RunAsync(attachment, netnsArgument, ownPins, CancellationToken.None).ConfigureAwait(false);
            steps.AddRange(outcome.Steps.Select(s => "cni_del: " + s));
            return;
        }
        if (item.Verdict is { } verdict && netlink.GetLink(verdict.Link.Index, out _) is { } now && SameIdentity(verdict.Link, now))
        {
            if (verdict.Blockers.Any(b => b != Blockers.RuntimeOwned))
            {
                steps.Add($"{verdict.Link.Name} not deleted: {string.Join(",", verdict.Blockers.Where(b => b != Blockers.RuntimeOwned))}");
                return;
            }
            int rc = now.MasterIndex is not null ? netlink.DetachFromMaster(now.Index) : 0;
            if (rc == 0) rc = netlink.DeleteLink(now.Index);
            steps.Add(rc == 0 ? $"{DeleteAction(now)}: deleted {now.Name}" : $"{DeleteAction(now)} {now.Name}: {Errno.Describe(rc)}");
        }
    }

    private static string DeleteAction(LinkRecord link) => link.MasterIndex is not null ? RemediationActions.DetachDelete : RemediationActions.Delete;

    /// <summary>What of the target is still there: its veth, its attachment's objects, the pins of its namespace in any mount namespace.</summary>
    /// <param name="settle">Give the runtime's teardown (which may finish after its answer) a few seconds.</param>
    private async Task<List<string>> LeftAfterRuntimeAsync(PlannedItem item, IReadOnlyList<NetnsPin> pins, bool settle)
    {
        var deadline = clock.GetUtcNow() + (settle ? TeardownWait : TimeSpan.Zero);
        while (true)
        {
            var left = new List<string>();
            if (item.Attachment is { } attachment && cni is not null)
                left.AddRange(await cni.LeftoversAsync(attachment, [], CancellationToken.None).ConfigureAwait(false));
            if (item.Verdict is { } verdict && !left.Contains(verdict.Link.Name)
                && netlink.GetLink(verdict.Link.Index, out _) is { } now && now.Name == verdict.Link.Name && now.Mac == verdict.Link.Mac)
                left.Add(verdict.Link.Name);
            ulong? inode = item.Verdict?.Peer.NetnsInode ?? item.Attachment?.NetnsInode;
            if (inode is ulong i) left.AddRange(pins.Where(p => PinReaches(p.OpenPath, i)).Select(p => $"pin {p.MountPoint}").Distinct(StringComparer.Ordinal));
            if (left.Count == 0 || clock.GetUtcNow() >= deadline) return left;
            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a pin's path (from our mount namespace, or through /proc/PID/root into another) still opens namespace <paramref name="inode"/>.</summary>
    private static bool PinReaches(string path, ulong inode) =>
        PosixFile.Stat(KernelPaths.OwnNetns, out ulong nsfsDevice, out _) == 0
        && OpenedFile.TryIdentify(path, follow: false, out var identity) == 0
        && identity.Device == nsfsDevice && identity.Inode == inode;

    /// <summary>What cni_del removes: plugins run, then the kernel and file objects the attachment names.</summary>
    private static List<string> Removes(AttachmentVerdict a, IReadOnlyList<NetnsPin> pins, IEnumerable<string> plugins) =>
    [
        .. plugins.Select(p => $"run {p} DEL"),
        .. a.HostInterface is { } v ? [$"veth {v.Name}"] : Array.Empty<string>(),
        .. a.IfbDevices.Select(l => $"ifb {l.Name}"),
        .. a.Leases.Select(l => $"lease {l.Path}"),
        .. a.Chains.Select(c => $"chain {c.Table}/{c.Chain}").Distinct(StringComparer.Ordinal),
        .. a.IpRules.Select(r => $"rule {r.Rule}"),
        .. pins.Select(p => $"pin {p.MountPoint}"),
        .. a.Cache is { } c ? [$"cache {c.Path}"] : Array.Empty<string>(),
    ];

    /// <summary>
    /// After the kernel accepted an action: the item counts as acted on, and is deleted once its link is
    /// seen gone. This confirmation must not be cut short by a client that went away.
    /// </summary>
    private async Task<InterfaceResult> ConfirmGoneAsync(PlannedItem item, RequestContext context, string after)
    {
        var verdict = item.Verdict!;
        context.Acted.Add(item.Interface);
        if (!await GoneAsync(verdict.Link, CancellationToken.None).ConfigureAwait(false))
            return Outcome(item, RemediationResults.Failed, $"{verdict.Link.Name} is still present {after}");
        coordinator.MarkRemediated(verdict);
        LogDeleted(logger, verdict.Link.Name, verdict.Link.Index, item.Action, context.RequestId);
        return Outcome(item, RemediationResults.Deleted, null);
    }

    /// <summary>
    /// An attachment without a veth that goes with its sandbox's runtime_cleanup: cleaned if what the runtime left of
    /// it is gone once that ran (its cache file, leases, chains), else failed naming what is left; untouched if it did not run.
    /// </summary>
    private InterfaceResult FollowAttachment(PlannedItem item, RequestContext context, bool dryRun)
    {
        if (dryRun) return Outcome(item, RemediationResults.WouldDelete, null);
        if (!context.Acted.Contains(item.GoesWith!))
            return Outcome(item with { Blockers = [RefusalReasons.NamespaceNotReleased] }, RemediationResults.Refused,
                $"it was to go with {item.GoesWith}, which did not go; it was not touched");
        context.Acted.Add(item.Interface);
        var left = cni?.LeftoversAsync(item.Attachment!, [], CancellationToken.None).GetAwaiter().GetResult() ?? [];
        return left.Count == 0 ? Outcome(item, RemediationResults.Deleted, null)
            : Outcome(item, RemediationResults.Failed, $"still present after {item.GoesWith}'s runtime_cleanup: {string.Join(", ", left)}");
    }

    /// <summary>A veth planned to go with another interface: gone if that one's action was carried out, else untouched.</summary>
    private async Task<InterfaceResult> FollowAsync(PlannedItem item, RequestContext context)
    {
        if (!context.Acted.Contains(item.GoesWith!))
            return Outcome(item with { Blockers = [RefusalReasons.NamespaceNotReleased] }, RemediationResults.Refused,
                $"it was to go with {item.GoesWith}, which did not go; it was not touched");
        return await ConfirmGoneAsync(item, context, $"after {item.GoesWith} went").ConfigureAwait(false);
    }

    /// <summary>
    /// Lists the links of the namespace to be released, through its pin (verified to be that namespace):
    /// anything but lo, the kernel's per-namespace fallback tunnels and the peers of the planned veths
    /// would die unplanned and unaudited.
    /// </summary>
    /// <returns>null when there is nothing else, else what there is (or why we cannot tell).</returns>
    private static string? OtherLinksIn(NetnsPin pin, ulong inode, List<PlannedItem> planned)
    {
        if (PosixFile.Stat(KernelPaths.OwnNetns, out ulong nsfsDevice, out _) != 0) return "cannot stat our own namespace";
        using var netns = NamespaceFile.TryOpenVerified(pin.MountPoint, nsfsDevice, inode);
        if (netns is null) return $"{pin.MountPoint} is not the namespace the scan saw";
        try
        {
            using var inside = RouteNetlinkClient.Open(netns);
            var links = inside.DumpLinks();
            var expectedPeers = planned.Select(p => p.Verdict!.Link.PeerIndex).ToHashSet();
            var others = links
                .Where(l => l.Name != "lo" && !FallbackDevices.Contains(l.Name)
                    && !(l.IsVeth && l.LinkNetnsId is not null && expectedPeers.Contains(l.Index)))
                .Select(l => $"{l.Name} ({l.Kind ?? "no kind"})")
                .ToList();
            // Every planned peer must be there, one to one: a peer index that matched nothing is doubt too.
            int peers = links.Count(l => l.IsVeth && expectedPeers.Contains(l.Index));
            if (peers != expectedPeers.Count) others.Add($"{peers} of the {expectedPeers.Count} planned peers found");
            return others.Count == 0 ? null : string.Join(", ", others);
        }
        catch (Exception e) when (e is SystemCallException or NetlinkException)
        {
            return $"its links cannot be listed: {e.Message}";
        }
    }

    /// <summary>Devices the kernel makes in every namespace when the tunnel modules are loaded; they go with it harmlessly.</summary>
    private static readonly HashSet<string> FallbackDevices =
        ["tunl0", "sit0", "ip6tnl0", "ip6gre0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6_vti0"];

    /// <summary>Same ifindex, and still the same device: name, MAC, kind, peer and master unchanged.</summary>
    internal static bool SameIdentity(LinkRecord before, LinkRecord now) =>
        before.Index == now.Index && before.Name == now.Name && before.Mac == now.Mac && now.IsVeth
        && before.LinkNetnsId == now.LinkNetnsId && before.PeerIndex == now.PeerIndex && before.MasterIndex == now.MasterIndex;

    /// <summary>
    /// The pins of the peer namespace, if every one of them is in our own mount namespace and our
    /// mountinfo, read now, still shows that namespace's nsfs mount on top at each path.
    /// </summary>
    private List<NetnsPin>? ReleasablePins(ulong inode, HostFacts inventory)
    {
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
        item.Attachment is { HostInterface: null } ? null : item.Interface, result, item.Action, item.Verdict?.Link.Index, item.Verdict?.Bridge,
        item.Attachment?.State ?? item.Verdict?.State, item.Attachment?.Reason ?? item.Verdict?.Reason, item.Blockers, error)
    {
        Attachment = item.Attachment is { } a ? new AttachmentTarget(a.Key.Network, a.Key.ContainerId, a.Key.IfName) : null,
    };

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
        var a = item.Attachment;
        var checks = new List<AuditCheck> { new("found", v is not null || a is not null) };
        if (a is not null)
        {
            checks.Add(new AuditCheck("attachment_leaked", a.IsLeaked, $"{a.State}/{a.Reason}"));
            checks.AddRange(a.Blockers.Select(b => new AuditCheck(b, false)));
        }
        if (v is not null)
        {
            checks.Add(new AuditCheck("orphan", v.IsOrphan, $"{v.State}/{v.Reason}"));
            // For cni_del the veth's own blockers (a bridge port, the plugin's qdisc or address) are the plugin's business.
            if (a is null) checks.AddRange(v.Blockers.Select(b => new AuditCheck(b, false)));
            if (item.Go && !context.DryRun && item.GoesWith is null)
            {
                checks.Add(new AuditCheck("identity_recheck", !result.Blockers.Contains(RefusalReasons.IdentityChanged)));
                if (!result.Blockers.Contains(RefusalReasons.IdentityChanged))
                    checks.Add(new AuditCheck("holder_recheck", !result.Blockers.Contains(RefusalReasons.HoldersChanged)));
            }
        }
        return new AuditRecord(clock.GetUtcNow(), context.RequestId, context.Caller, context.Source, context.DryRun,
            new AuditedInterface(item.Interface, v?.Link.Index, v?.Link.Mac, v?.Bridge, v?.Peer.NetnsId, v?.Peer.NetnsInode),
            v?.State, v?.Reason, checks, result.Action, result.Result, result.Blockers, result.Error, GoesWith: item.GoesWith,
            Attachment: a is null ? null : new AuditedAttachment(a.Key.Network, a.Key.ContainerId, a.Key.IfName, a.State, a.Reason, a.Cache?.Path, a.Netns, a.NetnsInode),
            Steps: result.Removes);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "the hourly deletion budget could not be written ({Error}); it holds in memory until a restart")]
    private static partial void LogBudgetUnsaved(ILogger logger, string error);

    /// <param name="Acted">Interfaces whose action the kernel accepted (or that went with one): they count against the budgets.</param>
    /// <param name="RuntimeServers">The process serving each runtime socket in the verifying scan (its own fds are no holder for runtime_cleanup).</param>
    private sealed record RequestContext(string RequestId, string Caller, string Source, bool DryRun, HostFacts? Inventory,
        HashSet<string> Acted)
    {
        public IReadOnlyDictionary<string, int?> RuntimeServers { get; init; } = new Dictionary<string, int?>();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "not releasing the namespace of {Interface}: it also holds {Others}; deleting the veth alone")]
    private static partial void LogReleaseRefused(ILogger logger, string @interface, string others);

    [LoggerMessage(Level = LogLevel.Warning, Message = "remediation deleted {Interface} (ifindex {Ifindex}) by {Action}, request {RequestId}")]
    private static partial void LogDeleted(ILogger logger, string @interface, int ifindex, string action, string requestId);

    public void Dispose() => _serial.Dispose();
}

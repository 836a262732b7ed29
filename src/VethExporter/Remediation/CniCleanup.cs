using System.Diagnostics;
using System.Text;
using VethExporter.Classification;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.Remediation;

/// <summary>What cni_del did, step by step (for the audit), and what is left if it did not finish.</summary>
public sealed record CniCleanupOutcome(bool Done, string? Error, IReadOnlyList<string> Steps);

/// <summary>How cni_del runs plugins.</summary>
/// <param name="PluginDirs">--path.cni-bin: the only place plugins are taken from.</param>
/// <param name="PluginTimeout">A plugin still running after this is killed and the DEL counts as failed.</param>
public sealed record CniCleanupOptions(IReadOnlyList<string> PluginDirs, TimeSpan PluginTimeout)
{
    public static CniCleanupOptions Default { get; } = new(["/opt/cni/bin"], TimeSpan.FromSeconds(10));
}

/// <summary>
/// The cni_del action of ARCHITECTURE §6 for one leaked attachment: the libcni DEL replay
/// (<see cref="CniDelPlan"/>) inside the scanned namespace, then what the plugins cannot do once the
/// netns is gone (chains and rules naming the container, the ifb, the host veth), the pin, the cache
/// file; then a check from the kernel and the filesystem that all of it is gone. The caller has verified
/// the attachment and written its intent; this never touches anything the attachment does not name.
/// </summary>
internal sealed class CniCleanup(NamespaceFile? netns, RouteNetlinkClient netlink, Func<CancellationToken, Task<FirewallRules>> listFirewall,
    CniCleanupOptions options)
{
    private const long OutputCap = 1024 * 1024;
    private static readonly TimeSpan RuleTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The plugins a DEL replay would run, in order, or why it cannot run (for dry runs and before acting).</summary>
    public (List<(CniInvocation Call, string Path)> Calls, string? Refusal) Resolve(AttachmentVerdict attachment, string netnsArgument)
    {
        var calls = new List<(CniInvocation, string)>();
        if (attachment.Cache is not { } entry) return (calls, "no cache entry to replay");
        List<CniInvocation> invocations;
        try
        {
            invocations = CniDelPlan.From(entry, netnsArgument, options.PluginDirs);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return (calls, $"the cached config cannot be replayed: {e.Message}");
        }
        foreach (var call in invocations)
        {
            if (CniPluginLocator.Find(call.PluginType, options.PluginDirs, out string? refusal) is not { } path) return (calls, refusal);
            calls.Add((call, path));
        }
        return (calls, null);
    }

    /// <param name="netnsArgument">CNI_NETNS: the verified pin, or "" when the namespace is gone.</param>
    /// <param name="pins">The pins to release afterwards (empty when the namespace is gone or held elsewhere).</param>
    public async Task<CniCleanupOutcome> RunAsync(AttachmentVerdict attachment, string netnsArgument, IReadOnlyList<NetnsPin> pins, CancellationToken cancellationToken)
    {
        var steps = new List<string>();
        var (calls, refusal) = Resolve(attachment, netnsArgument);
        if (refusal is not null) return new CniCleanupOutcome(false, refusal, steps);

        foreach (var (call, path) in calls)
        {
            var result = await RunToolAsync(call.PluginType, path, [], call.Environment, call.Stdin, options.PluginTimeout, cancellationToken).ConfigureAwait(false);
            steps.Add($"DEL {call.PluginType}: {(result.Failure is null ? "ok" : result.Failure)}{Tail(result.Output)}");
            // libcni stops at the first plugin that fails; so do we, with nothing of ours done yet.
            if (result.Failure is not null) return new CniCleanupOutcome(false, $"CNI DEL failed: {result.Failure}", steps);
        }

        await RemoveFirewallLeftoversAsync(attachment, steps, cancellationToken).ConfigureAwait(false);
        foreach (var ifb in attachment.IfbDevices) DeleteLinkIfSame(ifb, steps);
        if (attachment.HostInterface is { } veth) DeleteLinkIfSame(veth, steps);
        foreach (var pin in pins.DistinctBy(p => p.MountPoint))
        {
            int rc = PinRemoval.Unmount(pin.MountPoint);
            steps.Add(rc == 0 || rc == Errno.EINVAL ? $"released pin {pin.MountPoint}" : $"umount {pin.MountPoint}: {Errno.Describe(rc)}");
            if (rc == 0 || rc == Errno.EINVAL) _ = PinRemoval.RemovePlaceholder(pin.MountPoint);
        }
        if (attachment.Cache is { } entry)
        {
            try
            {
                File.Delete(entry.Path);
                steps.Add($"removed {entry.Path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                steps.Add($"cannot remove {entry.Path}: {e.Message}");
            }
        }

        var left = await LeftoversAsync(attachment, pins, cancellationToken).ConfigureAwait(false);
        return left.Count == 0
            ? new CniCleanupOutcome(true, null, steps)
            : new CniCleanupOutcome(false, "still present after cni_del: " + string.Join(", ", left), steps);
    }

    /// <summary>
    /// With the netns gone, bridge and ptp skip their masquerade teardown: their chains (and the jumps to them)
    /// go here. Their names hash the network and this container's id, so no other container's can match.
    /// </summary>
    private async Task RemoveFirewallLeftoversAsync(AttachmentVerdict attachment, List<string> steps, CancellationToken cancellationToken)
    {
        if (attachment.Chains.Count == 0) return;
        var now = await listFirewall(cancellationToken).ConfigureAwait(false);
        foreach (var chain in Remaining(attachment, now.Cni))
        {
            if (chain.Source.Tool == "nft")
            {
                steps.Add($"chain {chain.Chain} is in a native nft table; not removed");
                continue;
            }
            string tool = chain.Source.DeleteTool;
            foreach (string jump in chain.Jumps)
                await RuleAsync(tool, XtablesRule.DeleteArguments(chain.Table, jump), steps, cancellationToken).ConfigureAwait(false);
            await RuleAsync(tool, ["-t", chain.Table, "-F", chain.Chain], steps, cancellationToken).ConfigureAwait(false);
            await RuleAsync(tool, ["-t", chain.Table, "-X", chain.Chain], steps, cancellationToken).ConfigureAwait(false);
        }
        // The firewall plugin's rules name only the IP, which host-local may hand to a new container the
        // moment the DEL freed it: they are the plugin's own DEL's to remove (it needs no netns), and only checked here.
    }

    private async Task RuleAsync(string tool, IReadOnlyList<string> arguments, List<string> steps, CancellationToken cancellationToken)
    {
        string? path = ToolLocator.Find(tool, FirewallOptions.SystemPath)?.Path;
        if (path is null)
        {
            steps.Add($"{tool} is not installed");
            return;
        }
        var result = await RunToolAsync(tool, path, arguments, [], null, RuleTimeout, cancellationToken).ConfigureAwait(false);
        steps.Add($"{tool} {string.Join(' ', arguments)}: {result.Failure ?? "ok"}");
    }

    private void DeleteLinkIfSame(LinkRecord link, List<string> steps)
    {
        var now = netlink.GetLink(link.Index, out int errno);
        if (now is null || now.Name != link.Name || now.Mac != link.Mac || now.Kind != link.Kind)
        {
            steps.Add($"{link.Name} already gone{(now is null && !Errno.IsGone(errno) ? $" ({Errno.Describe(errno)})" : "")}");
            return;
        }
        int rc = netlink.DeleteLink(link.Index);
        steps.Add(rc == 0 ? $"deleted {link.Name}" : $"delete {link.Name}: {Errno.Describe(rc)}");
    }

    /// <summary>Everything the attachment named that still exists, checked from the kernel and the filesystem.</summary>
    internal async Task<List<string>> LeftoversAsync(AttachmentVerdict attachment, IReadOnlyList<NetnsPin> pins, CancellationToken cancellationToken)
    {
        var left = new List<string>();
        foreach (var link in attachment.IfbDevices.Concat(attachment.HostInterface is { } v ? [v] : []))
        {
            if (netlink.GetLink(link.Index, out _) is { } now && now.Name == link.Name && now.Mac == link.Mac) left.Add(link.Name);
        }
        left.AddRange(attachment.Leases.Where(l => File.Exists(l.Path)).Select(l => l.Path));
        if (attachment.Cache is { } entry && File.Exists(entry.Path)) left.Add(entry.Path);
        if (attachment.Chains.Count > 0 || attachment.IpRules.Count > 0)
        {
            var now = await listFirewall(cancellationToken).ConfigureAwait(false);
            if (!now.Complete) left.Add("the firewall rules (a listing failed: " + string.Join("; ", now.Failures) + ")");
            left.AddRange(Remaining(attachment, now.Cni).Select(c => $"chain {c.Chain}"));
            left.AddRange(RemainingIpRules(attachment, now.Cni).Select(r => $"rule {r.Rule}"));
        }
        var mounts = PosixFile.TryReadAll("/proc/self/mountinfo", out _);
        if (mounts is not null && attachment.NetnsInode is ulong inode)
        {
            var current = MountInfoParser.ParseNetnsPins(mounts);
            left.AddRange(pins.Where(p => current.Any(m => m.NetnsInode == inode && m.MountPoint == p.MountPoint)).Select(p => $"pin {p.MountPoint}"));
        }
        return left;
    }

    private static IEnumerable<CniFirewallChain> Remaining(AttachmentVerdict attachment, CniListingFacts now) =>
        now.Chains.Where(c => attachment.Chains.Any(a => a.Chain == c.Chain && a.Table == c.Table && a.Source == c.Source));

    private static IEnumerable<CniFirewallIpRule> RemainingIpRules(AttachmentVerdict attachment, CniListingFacts now) =>
        now.IpRules.Where(r => attachment.IpRules.Any(a => a.Rule == r.Rule && a.Table == r.Table && a.Source == r.Source));

    /// <summary>Runs a plugin or a rule tool inside the scanned namespace, with a clean environment.</summary>
    private async Task<ToolResult> RunToolAsync(string name, string path, IReadOnlyList<string> arguments,
        IReadOnlyList<KeyValuePair<string, string>> environment, byte[]? stdin, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo();
        string? nsenter = netns is null ? null : ToolLocator.Find("nsenter", FirewallOptions.SystemPath)?.Path;
        if (netns is not null && nsenter is null) return new ToolResult(name, "", "nsenter is not installed: nothing can be run in the scanned namespace");
        if (nsenter is null)
        {
            start.FileName = path;
        }
        else
        {
            start.FileName = nsenter;
            start.ArgumentList.Add($"--net={netns!.ProcPath}");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(path);
        }
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        start.Environment["PATH"] = string.Join(':', FirewallOptions.SystemPath);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        return await ToolRunner.RunAsync(name, start, timeout, OutputCap, cancellationToken, stdin ?? []).ConfigureAwait(false);
    }

    private static string Tail(string output)
    {
        string text = output.Trim();
        if (text.Length == 0) return "";
        return " (" + (text.Length > 300 ? text[..300] + "…" : text).Replace('\n', ' ') + ")";
    }
}

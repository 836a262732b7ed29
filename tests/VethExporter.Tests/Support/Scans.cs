using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Netlink;
using VethExporter.Scanning;

namespace VethExporter.Tests.Support;

/// <summary>Scans and verdicts for tracker tests: literal orphans, or an inventory run through the real classifier.</summary>
internal static class Scans
{
    public const ulong PeerInode = 4026532100;

    private static readonly HostFacts NoInventory = new([], [], [], InventoryBuilder.HostInode, [], true, []);

    public static ScanResult Of(params VethVerdict[] verdicts) =>
        new(DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(5), NoInventory, verdicts, []);

    /// <summary>A pinned_no_process orphan with no static blockers.</summary>
    public static VethVerdict Orphan(string name = "veth1", int ifindex = 10, string mac = "02:00:00:00:01:0a",
        ulong? peerInode = PeerInode, string? bridge = null, string reason = Reasons.PinnedNoProcess, string[]? blockers = null) =>
        new(new LinkRecord(ifindex, name, "veth", bridge is null ? null : 2, 2, 0, OperState.Up, true, mac, false),
            bridge,
            VethStates.Orphan,
            reason,
            new PeerHolders(2, 0, peerInode, [], ["/run/netns/" + name], []),
            blockers ?? []);

    public static VethVerdict InUse(string name = "veth1", int ifindex = 10, string mac = "02:00:00:00:01:0a") =>
        new(new LinkRecord(ifindex, name, "veth", null, 2, 0, OperState.Up, true, mac, false),
            null, VethStates.InUse, Reasons.Process, new PeerHolders(2, 0, PeerInode, [100], [], []), []);

    /// <summary>What the scanner does: classify (with history for dying peers), then static blockers on orphans.</summary>
    public static ScanResult Classified(InventoryBuilder builder, IReadOnlyDictionary<int, TimeSpan>? peerDyingFor = null,
        ClassificationPolicy? policy = null)
    {
        policy ??= ClassificationPolicy.Default;
        var inventory = builder.Build();
        var context = BlockerContext.From(inventory, new HashSet<string>(), policy);
        var verdicts = Classifier.Classify(inventory, policy, peerDyingFor)
            .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v)
            .ToList();
        return new ScanResult(DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(5), inventory, verdicts, []);
    }
}

using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Classification;

/// <summary>The facts blockers are judged on, indexed once per scan.</summary>
public sealed record BlockerContext(
    IReadOnlyDictionary<int, LinkRecord> LinksByIndex,
    IReadOnlySet<int> AddressedLinks,
    IReadOnlySet<int> LinksWithConfiguredQdisc,
    IReadOnlySet<string> FirewallReferences,
    bool HostViewComplete,
    ClassificationPolicy Policy)
{
    /// <summary>What the runtimes claim; empty when none is asked.</summary>
    public RuntimeClaims Runtime { get; init; } = RuntimeClaims.Empty;

    public static BlockerContext From(HostFacts inventory, IReadOnlySet<string> firewallReferences, ClassificationPolicy policy) => new(
        inventory.Links.ToDictionary(l => l.Index),
        Classifier.AddressedLinks(inventory.Addresses),
        inventory.Qdiscs.Where(q => q.IsConfigured).Select(q => q.Index).ToHashSet(),
        firewallReferences,
        inventory.HostViewComplete,
        policy);
}

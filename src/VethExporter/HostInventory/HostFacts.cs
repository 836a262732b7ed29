using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>The raw kernel facts of one scan: links, addresses, qdiscs of the scanned namespace and who holds which namespace.</summary>
public sealed record HostFacts(
    IReadOnlyList<LinkRecord> Links,
    IReadOnlyList<AddressRecord> Addresses,
    IReadOnlyList<QdiscRecord> Qdiscs,
    ulong ScannedNetnsInode,
    IReadOnlyList<NamespaceHolders> Namespaces,
    bool HostViewComplete,
    IReadOnlyList<string> Limitations);

using System.Net;
using System.Text;
using VethExporter.Cni;
using VethExporter.Firewall;

namespace VethExporter.Tests.Support;

/// <summary>CNI facts for the judgement's tests: cache entries, leases, chains and netns paths, built like a runtime leaves them.</summary>
public sealed class CniBuilder
{
    private readonly List<CniCacheEntry> _entries = [];
    private readonly List<HostLocalLease> _leases = [];
    private readonly List<CniFirewallChain> _chains = [];
    private readonly List<CniFirewallIpRule> _ipRules = [];
    private static readonly CniChainSource Iptables = new("iptables-nft-save", "nft", "ip");
    private readonly List<IfbRedirect> _redirects = [];
    private readonly Dictionary<string, NetnsPathFact> _paths = new(StringComparer.Ordinal);
    private bool _chainsComplete = true;

    public static CniNetworkConfig Network(string name, string subnet = "10.22.0.0/24") => new(name, "1.0.0",
        [new CniPluginConfig("bridge", "{}", [], new HostLocalIpam(null, [[new CniIpRange(subnet, null, null, null)]])),
         new CniPluginConfig("portmap", "{}", ["portMappings"], null)],
        Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\"}}"));

    /// <summary>
    /// A cache entry whose result names host veth <paramref name="hostVeth"/> with <paramref name="mac"/> (null: no host
    /// interface), inside <paramref name="netns"/>, leasing <paramref name="ip"/>, with a masquerade chain.
    /// </summary>
    public CniBuilder Attachment(string network, string containerId, string? hostVeth, string? mac, string netns, string ip,
        string[]? ifbs = null, (string, string)[]? args = null, bool chain = true, bool lease = true)
    {
        var interfaces = new List<CniResultInterface>();
        if (hostVeth is not null)
        {
            interfaces.Add(new CniResultInterface("cni0", "02:00:00:00:00:01", null));
            interfaces.Add(new CniResultInterface(hostVeth, mac, null));
        }
        interfaces.Add(new CniResultInterface("eth0", "0a:58:00:00:00:01", netns));
        foreach (var ifb in ifbs ?? []) interfaces.Add(new CniResultInterface(ifb, null, null));
        var result = new CniResult(interfaces, [new CniResultIp($"{ip}/24", "10.22.0.1", interfaces.Count - 1 - (ifbs?.Length ?? 0))]);
        _entries.Add(new CniCacheEntry($"/var/lib/cni/results/{network}-{containerId}-eth0", containerId, "eth0", network, netns,
            Network(network), (args ?? []).Select(a => KeyValuePair.Create(a.Item1, a.Item2)).ToList(), null, "{}", result,
            new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero)));
        if (lease) Lease(network, ip, containerId, "eth0");
        if (chain) Chain(network, containerId, $"CNI-{containerId[..8]}");
        return this;
    }

    public CniBuilder Lease(string network, string ip, string containerId, string? ifName)
    {
        _leases.Add(new HostLocalLease(network, IPAddress.Parse(ip), containerId, ifName, $"/var/lib/cni/networks/{network}/{ip}"));
        return this;
    }

    public CniBuilder Chain(string network, string containerId, string chain)
    {
        _chains.Add(new CniFirewallChain(Iptables, "nat", chain, network, containerId, [$"-A {chain} -j MASQUERADE"], [$"-A POSTROUTING -j {chain}"]));
        return this;
    }

    /// <summary>A chain as nft lists it: no comment, so only its hashed name says whose it is.</summary>
    public CniBuilder UncommentedChain(string chain)
    {
        _chains.Add(new CniFirewallChain(new CniChainSource("nft", "nft", "ip"), "nat", chain, null, null, [], []));
        return this;
    }

    public CniBuilder IpRule(string address)
    {
        _ipRules.Add(new CniFirewallIpRule(Iptables, "filter", "CNI-FORWARD", IPAddress.Parse(address), $"-A CNI-FORWARD -s {address}/32 -j ACCEPT"));
        return this;
    }

    public CniBuilder Path(string path, ulong? inode, string? doubt = null)
    {
        _paths[path] = new NetnsPathFact(path, inode, doubt);
        return this;
    }

    public CniBuilder Redirect(int from, int to)
    {
        _redirects.Add(new IfbRedirect(from, to));
        return this;
    }

    public CniBuilder ChainsIncomplete()
    {
        _chainsComplete = false;
        return this;
    }

    public CniInventory Build() => new(_entries, _leases, _redirects, _paths, []);

    public CniListingFacts Firewall => new(_chains, _ipRules);

    public bool FirewallComplete => _chainsComplete;

    /// <summary>The judgement over these facts.</summary>
    public List<VethExporter.Classification.AttachmentVerdict> Judge(VethExporter.HostInventory.HostFacts inventory,
        IReadOnlyList<VethExporter.Classification.VethVerdict> verdicts) =>
        VethExporter.Classification.AttachmentJudge.Judge(Build(), Firewall, FirewallComplete, inventory, verdicts);
}

using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Interop;
using VethExporter.Netlink;
using VethExporter.Runtime;

namespace VethExporter.Scanning;

/// <summary>
/// Runs one scan end to end: inventory, classification, then blockers for the orphans. Opens the scanned
/// namespace once and holds it, with its netlink sockets, for its lifetime: every later use goes through
/// that open file, so a pin swapped underneath cannot split one scan across two namespaces. Scans must
/// not overlap (the caller serialises).
/// </summary>
public sealed class Scanner : IDisposable
{
    private readonly ScannerOptions _options;
    private readonly TimeProvider _clock;
    private readonly NamespaceFile? _netns;
    private readonly RouteNetlinkClient? _netlink;
    private readonly RouteNetlinkClient? _lookupNetlink;
    private readonly HostInventoryCollector _collector;
    private readonly NsidWatch? _watch;
    private readonly IFirewallRules _firewall;

    public Scanner(ScannerOptions options)
    {
        _options = options;
        _clock = TimeProvider.System;
        _netns = options.Paths.ScannedNetns is { } path ? NamespaceFile.Open(path) : null;
        try
        {
            _netlink = RouteNetlinkClient.Open(_netns);
            try
            {
                // Namespace id lookups are kernel time; on a second core, through a second socket, they halve.
                _lookupNetlink = Environment.ProcessorCount > 1 ? RouteNetlinkClient.Open(_netns) : null;
            }
            catch
            {
                _netlink.Dispose();
                throw;
            }
        }
        catch
        {
            _netns?.Dispose();
            throw;
        }
        _watch = OpenWatch(_netns);
        _collector = new HostInventoryCollector(options.Paths, new RouteQueries(_netlink),
            _lookupNetlink is null ? null : new RouteQueries(_lookupNetlink), new LiveKernelFacts(_netns), _watch);
        _firewall = new FirewallRuleReader(_netns, options.Firewall ?? FirewallOptions.Default);
    }

    /// <summary>
    /// A scanner that asks <paramref name="kernel"/> and <paramref name="firewall"/> instead of the kernel
    /// (a recording or a replay of one): no socket, no namespace of its own, no id kept between scans.
    /// </summary>
    internal Scanner(ScannerOptions options, IRouteQueries kernel, IKernelFacts facts, IFirewallRules firewall, TimeProvider clock)
    {
        _options = options;
        _clock = clock;
        _collector = new HostInventoryCollector(options.Paths, kernel, null, facts);
        _firewall = firewall;
    }

    /// <summary>Without the notifications no id may be kept between scans: then every scan asks for all of them.</summary>
    private static NsidWatch? OpenWatch(NamespaceFile? netns)
    {
        try
        {
            return NsidWatch.Open(netns);
        }
        catch (SystemCallException)
        {
            return null;
        }
    }

    /// <summary>RTM_GETNSID lookups the last scan sent for namespaces; the ids kept from earlier scans need none.</summary>
    internal int LastNsidLookups => _collector.LastLookups;

    /// <param name="peerDyingFor">From history: how long each link's peer namespace has been in teardown.</param>
    public async Task<ScanResult> ScanAsync(IReadOnlyDictionary<int, TimeSpan>? peerDyingFor = null, CancellationToken cancellationToken = default)
    {
        var started = _clock.GetUtcNow();
        long clock = _clock.GetTimestamp();
        // The runtimes first, each within its budget, then the kernel: answering an inspect, podman enters the
        // container's namespace, and a holder we caused ourselves must not be in the kernel's view.
        // Waited for on this thread: the coordinator gives each scan a thread of its own, and the kernel work that
        // follows must stay on it (a system call that never returns holds that thread, not one of the pool's).
        var runtime = _options.Runtime is { } endpoints
            ? RuntimeCollector.CollectAsync(endpoints, _options.RuntimeLimits, cancellationToken).GetAwaiter().GetResult()
            : RuntimeInventory.Empty;
        var inventory = _collector.Collect();
        var claims = RuntimeClaims.Build(runtime, NetnsInodes.InodesOf(NetnsInodes.Stat(runtime)), inventory);
        var verdicts = RuntimeJudge.Apply(Classifier.Classify(inventory, _options.Policy, peerDyingFor), claims);
        var limitations = inventory.Limitations.ToList();
        limitations.AddRange(claims.Unreachable.Select(s =>
            $"runtime {s.Name} at {s.Socket} did not answer fully, every orphan no runtime claims is blocked (runtime_unreachable): {s.Error}"));

        var cni = _options.Cni is { } cniPaths
            ? CniReader.Read(cniPaths, _netlink, inventory.Links.Where(l => l.IsVeth).Select(l => l.Index).ToList())
            : CniInventory.Empty;
        limitations.AddRange(cni.Errors.Select(e => $"CNI file unusable, left out: {e.Path}: {e.Error}"));

        var orphanNames = verdicts.Where(v => v.IsOrphan).Select(v => v.Link.Name).ToList();
        var rules = FirewallRules.Empty;
        // The listings serve both: references to orphans by name, and the chains CNI plugins left.
        bool cniToJudge = cni.Entries.Count > 0 || cni.Leases.Count > 0;
        if ((orphanNames.Count > 0 || cniToJudge) && _options.CheckFirewall)
        {
            rules = await _firewall.ReadAsync(orphanNames, cancellationToken).ConfigureAwait(false);
            limitations.AddRange(rules.Failures.Select(f => $"firewall rules unreadable, every orphan is treated as referenced: {f}"));
        }

        var references = new HashSet<string>(rules.References, StringComparer.Ordinal);
        if (!rules.Complete) references.UnionWith(orphanNames);
        var context = BlockerContext.From(inventory, references, _options.Policy) with { Runtime = claims };
        var judged = verdicts.Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v).ToList();
        var attachments = RuntimeJudge.Apply(
            AttachmentJudge.Judge(cni, rules.Cni, rules.Complete || !_options.CheckFirewall && !cniToJudge, inventory, judged), claims);
        return new ScanResult(started, _clock.GetElapsedTime(clock), inventory, judged, limitations)
        {
            Cni = cni,
            Attachments = attachments,
            Runtime = runtime,
        };
    }

    /// <summary>The scanned namespace as opened (null: our own): remediation runs CNI plugins and rule tools in it.</summary>
    internal NamespaceFile? Netns => _netns;

    /// <summary>The firewall listings of the scanned namespace now, for the CNI chains only (no names looked up).</summary>
    internal Task<FirewallRules> ListFirewallAsync(CancellationToken cancellationToken) => _firewall.ReadAsync([], cancellationToken);

    /// <summary>The socket this scanner talks through; remediation deletes with it.</summary>
    internal RouteNetlinkClient Netlink => _netlink ?? throw new InvalidOperationException("a scanner fed from a capture has no socket");

    public void Dispose()
    {
        _watch?.Dispose();
        _lookupNetlink?.Dispose();
        _netlink?.Dispose();
        _netns?.Dispose();
    }
}

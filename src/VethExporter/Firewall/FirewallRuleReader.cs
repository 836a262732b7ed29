using System.Diagnostics;
using VethExporter.Interop;

namespace VethExporter.Firewall;

/// <summary>
/// Lists the firewall rules of the scanned namespace with every tool its tables need, in parallel, and
/// finds the interface names they mention and the chains and rules CNI plugins made (one listing serves both). The tools run inside the very namespace the scanner's
/// sockets are in: nsenter is given /proc/OURPID/fd/N, our open file, never the pin's path again.
/// </summary>
internal sealed class FirewallRuleReader(NamespaceFile? netns, FirewallOptions options) : IFirewallRules
{
    public async Task<FirewallRules> ReadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var evidence = netns is null ? NetfilterKernel.Read() : NetworkNamespace.RunIn(netns, NetfilterKernel.Read);
        var plan = FirewallPlanner.Plan(tool => ToolLocator.Find(tool, options.SearchPath), evidence);
        var failures = plan.Missing.ToList();
        if (plan.Listings.Count == 0 && failures.Count == 0) return FirewallRules.Empty;

        string? nsenter = netns is null ? null : ToolLocator.Find("nsenter", FirewallOptions.SystemPath)?.Path;
        if (netns is not null && nsenter is null)
            return new FirewallRules(new HashSet<string>(), [.. failures, "nsenter is not installed: no listing can be run in the scanned namespace"]);

        var results = await Task.WhenAll(plan.Listings.Select(listing =>
            RunAsync(listing, nsenter, names, plan, cancellationToken))).ConfigureAwait(false);
        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (found, listingFailures, _) in results)
        {
            references.UnionWith(found);
            failures.AddRange(listingFailures);
        }
        return new FirewallRules(references, failures) { Cni = CniChainParser.Merge(results.Select(r => r.Cni)) };
    }

    /// <summary>Runs one listing and reduces its output to the names it mentions and its CNI facts at once, so the text is not kept.</summary>
    private async Task<(HashSet<string> Found, List<string> Failures, CniListingFacts Cni)> RunAsync(
        FirewallListing listing, string? nsenter, IReadOnlyCollection<string> names, FirewallPlan plan, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo();
        if (netns is null || nsenter is null)
        {
            start.FileName = listing.Path;
        }
        else
        {
            start.FileName = nsenter;
            start.ArgumentList.Add($"--net={netns.ProcPath}");
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(listing.Path);
        }
        foreach (var argument in listing.Arguments) start.ArgumentList.Add(argument);

        var result = await ToolRunner.RunAsync(listing.Tool, start, options.Timeout, options.OutputCap, cancellationToken).ConfigureAwait(false);
        if (result.Failure is not null) return ([], [result.Failure], CniListingFacts.Empty);
        var failures = listing.IsNftRuleset ? FirewallPlanner.UndecodedExtensions(result.Output, plan).ToList() : [];
        return (FirewallReferenceParser.FindReferences(result.Output, names), failures, CniFacts(listing, result.Output));
    }

    private static CniListingFacts CniFacts(FirewallListing listing, string output) =>
        listing.IsNftRuleset ? CniChainParser.ParseNftRuleset(output, listing.Tool)
        : listing.CniSource is { } source ? CniChainParser.ParseSave(output, source)
        : CniListingFacts.Empty;
}

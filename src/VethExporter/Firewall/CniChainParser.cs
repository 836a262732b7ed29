using System.Net;
using System.Text.RegularExpressions;

namespace VethExporter.Firewall;

/// <summary>
/// Finds what CNI plugins left in a firewall listing, as pure functions over its text:
/// <list type="bullet">
/// <item>per-container chains (<c>CNI-&lt;hash&gt;</c> of bridge/ptp ipMasq, <c>CNI-DN-&lt;hash&gt;</c> of portmap), with the
/// container named by the comment on their rules or on the jumps to them, and every rule that jumps there;</item>
/// <item>the firewall plugin's rules in <c>CNI-FORWARD</c>, keyed on the one address they match.</item>
/// </list>
/// The chains all containers share (<c>CNI-HOSTPORT-*</c>, <c>CNI-FORWARD</c>, <c>CNI-ADMIN</c>) are never
/// reported as a container's.
/// </summary>
public static partial class CniChainParser
{
    public const string FirewallPluginChain = "CNI-FORWARD";

    private static readonly HashSet<string> SharedChains = new(StringComparer.Ordinal)
    {
        "CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ", FirewallPluginChain, "CNI-ADMIN",
    };

    private sealed record Rule(string Chain, string Text, string? Target, (string Network, string ContainerId)? Owner, IPAddress? HostAddress);

    /// <summary>The output of iptables-save or ip6tables-save (either backend).</summary>
    public static CniListingFacts ParseSave(string text, CniChainSource source)
    {
        var chains = new List<CniFirewallChain>();
        var ipRules = new List<CniFirewallIpRule>();
        string? table = null;
        var declared = new List<string>();
        var rules = new List<Rule>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            string line = text[range].TrimEnd('\r');
            if (line.StartsWith('*'))
            {
                table = line[1..].Trim();
                declared.Clear();
                rules.Clear();
            }
            else if (line.StartsWith(':') && table is not null)
            {
                int space = line.IndexOf(' ');
                declared.Add(space < 0 ? line[1..] : line[1..space]);
            }
            else if (line.StartsWith("-A ", StringComparison.Ordinal) && table is not null)
            {
                // Only a rule naming a CNI- chain (its own, or its target) can matter: the rest is not split at all.
                if (line.Contains("CNI-", StringComparison.Ordinal)) rules.Add(SaveRule(line));
            }
            else if (line == "COMMIT" && table is not null)
            {
                Collect(source, table, declared, rules, chains, ipRules);
                table = null;
            }
        }
        return new CniListingFacts(chains, ipRules);
    }

    /// <summary>
    /// The output of <c>nft list ruleset</c>. It does not print the comments iptables-nft stores, so chains
    /// made through iptables-nft are found by their hashed names only (Network and ContainerId null); a
    /// native nft <c>comment "…"</c> is read like an iptables one.
    /// </summary>
    public static CniListingFacts ParseNftRuleset(string text, string tool = "nft")
    {
        var chains = new List<CniFirewallChain>();
        var ipRules = new List<CniFirewallIpRule>();
        string? family = null, table = null, chain = null;
        int depth = 0, chainDepth = -1;
        var declared = new List<string>();
        var rules = new List<Rule>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            string line = text[range].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (depth == 0 && NftTable().Match(line) is { Success: true } t)
            {
                family = t.Groups["family"].Value;
                table = t.Groups["table"].Value;
                declared.Clear();
                rules.Clear();
                depth = 1;
                continue;
            }
            if (depth == 1 && NftChain().Match(line) is { Success: true } c)
            {
                chain = c.Groups["chain"].Value;
                declared.Add(chain);
                depth = 2;
                chainDepth = 2;
                continue;
            }
            int opens = line.Count(ch => ch == '{'), closes = line.Count(ch => ch == '}');
            if (line == "}")
            {
                depth--;
                if (depth == 1 && chainDepth == 2) { chain = null; chainDepth = -1; }
                if (depth == 0 && family is not null && table is not null)
                {
                    Collect(new CniChainSource(tool, "nft", family), table, declared, rules, chains, ipRules);
                    family = table = null;
                }
                continue;
            }
            if (depth == 2 && chain is not null && opens == closes && !IsChainProperty(line)
                && (chain.StartsWith("CNI-", StringComparison.Ordinal) || line.Contains("CNI-", StringComparison.Ordinal)))
                rules.Add(NftRule(chain, line));
            depth += opens - closes;
        }
        return new CniListingFacts(chains, ipRules);
    }

    /// <summary>
    /// Joins the facts of every listing of one scan. iptables-nft-save and <c>nft list ruleset</c> show the
    /// same nf_tables chains: where the former found any for a family's table, the latter's view of that table is dropped
    /// (it has no comments and cannot be turned into <c>-D</c> rules).
    /// </summary>
    public static CniListingFacts Merge(IEnumerable<CniListingFacts> listings)
    {
        var all = listings.ToList();
        var covered = all.SelectMany(l => l.Chains.Select(c => (c.Source, c.Table)).Concat(l.IpRules.Select(r => (r.Source, r.Table))))
            .Where(s => s.Source.Backend == "nft" && s.Source.Tool != "nft").Select(s => (s.Source.Family, s.Table)).ToHashSet();
        bool Keep(CniChainSource s, string table) => s.Tool != "nft" || !covered.Contains((s.Family, table));
        return new CniListingFacts(
            [.. all.SelectMany(l => l.Chains).Where(c => Keep(c.Source, c.Table))],
            [.. all.SelectMany(l => l.IpRules).Where(r => Keep(r.Source, r.Table))]);
    }

    private static void Collect(CniChainSource source, string table, List<string> declared, List<Rule> rules,
        List<CniFirewallChain> chains, List<CniFirewallIpRule> ipRules)
    {
        // A node with tens of thousands of rules and a leak of thousands of attachments: group once.
        var byChain = rules.ToLookup(r => r.Chain, StringComparer.Ordinal);
        var byTarget = rules.Where(r => r.Target is not null).ToLookup(r => r.Target!, StringComparer.Ordinal);
        foreach (string chain in declared)
        {
            if (!chain.StartsWith("CNI-", StringComparison.Ordinal) || SharedChains.Contains(chain)) continue;
            var own = byChain[chain].ToList();
            var jumps = byTarget[chain].ToList();
            var owner = jumps.Select(r => r.Owner).FirstOrDefault(o => o is not null) ?? own.Select(r => r.Owner).FirstOrDefault(o => o is not null);
            if (owner is null && !HashedName().IsMatch(chain)) continue;
            chains.Add(new CniFirewallChain(source, table, chain, owner?.Network, owner?.ContainerId,
                [.. own.Select(r => r.Text)], [.. jumps.Select(r => r.Text)]));
        }
        foreach (var rule in rules)
        {
            if (rule.Chain == FirewallPluginChain && rule.HostAddress is { } address)
                ipRules.Add(new CniFirewallIpRule(source, table, rule.Chain, address, rule.Text));
        }
    }

    private static Rule SaveRule(string line)
    {
        var arguments = XtablesRule.Split(line);
        string chain = arguments.Count > 1 ? arguments[1] : "";
        string? target = null, comment = null;
        IPAddress? host = null;
        bool negated = false;
        for (int i = 2; i < arguments.Count; i++)
        {
            string a = arguments[i];
            string? next = i + 1 < arguments.Count ? arguments[i + 1] : null;
            if (a == "!") { negated = true; continue; }
            if ((a is "-j" or "-g") && next is not null) target = next;
            else if (a == "--comment" && next is not null) comment = next;
            else if ((a is "-s" or "-d") && next is not null && !negated && host is null) host = HostAddress(next);
            negated = false;
        }
        return new Rule(chain, line, target, Owner(comment), host);
    }

    private static Rule NftRule(string chain, string line)
    {
        var target = NftJump().Match(line);
        var comment = NftComment().Match(line);
        var host = NftHost().Match(line);
        return new Rule(chain, line,
            target.Success ? target.Groups["chain"].Value : null,
            comment.Success ? Owner(comment.Groups["text"].Value.Replace("\\\"", "\"", StringComparison.Ordinal)) : null,
            host.Success ? HostAddress(host.Groups["address"].Value) : null);
    }

    private static (string, string)? Owner(string? comment) =>
        comment is not null && OwnerComment().Match(comment) is { Success: true } m ? (m.Groups["net"].Value, m.Groups["id"].Value) : null;

    /// <summary>One address: <c>10.77.3.2</c>, <c>10.77.3.2/32</c>, <c>fd00::5/128</c>; a wider prefix is not a container's.</summary>
    private static IPAddress? HostAddress(string text)
    {
        int slash = text.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address)) return null;
        if (slash < 0) return address;
        string prefix = text[(slash + 1)..];
        return prefix == (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "32" : "128") ? address : null;
    }

    private static bool IsChainProperty(string line) =>
        line.StartsWith("type ", StringComparison.Ordinal) || line.StartsWith("policy ", StringComparison.Ordinal)
        || line.StartsWith("comment ", StringComparison.Ordinal) || line.StartsWith("devices ", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?:(?:dnat|snat) )?name: ""(?<net>[^""]*)"" id: ""(?<id>[^""]*)""$")]
    private static partial Regex OwnerComment();

    /// <summary>bridge/ptp: CNI- and 24 hex digits; portmap: CNI-DN- (or the older CNI-SN-) and 21.</summary>
    [GeneratedRegex(@"^CNI-(?:[0-9a-f]{24}|(?:DN|SN)-[0-9a-f]{21})$")]
    private static partial Regex HashedName();

    [GeneratedRegex(@"^table (?<family>\S+) (?<table>\S+) \{$")]
    private static partial Regex NftTable();

    [GeneratedRegex(@"^chain (?<chain>\S+) \{$")]
    private static partial Regex NftChain();

    [GeneratedRegex(@"\b(?:jump|goto) (?<chain>[^\s;]+)")]
    private static partial Regex NftJump();

    [GeneratedRegex(@"\bcomment ""(?<text>(?:\\.|[^""\\])*)""")]
    private static partial Regex NftComment();

    [GeneratedRegex(@"\bip6? [sd]addr (?<address>[0-9A-Fa-f:.]+(?:/\d+)?)(?=\s|$)")]
    private static partial Regex NftHost();
}

using VethExporter.Firewall;

namespace VethExporter.Tests.Firewall;

public class FirewallPlannerTests
{
    /// <summary>Debian 12 with the iptables and nftables packages: both backends, the unsuffixed names through alternatives.</summary>
    private static readonly Dictionary<string, string[]> Debian = new()
    {
        ["iptables-save"] = ["/usr/sbin/iptables-save", "/etc/alternatives/iptables-save", "/usr/sbin/iptables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["iptables-legacy-save"] = ["/usr/sbin/iptables-legacy-save", "/usr/sbin/xtables-legacy-multi"],
        ["iptables-nft-save"] = ["/usr/sbin/iptables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["ip6tables-save"] = ["/usr/sbin/ip6tables-save", "/etc/alternatives/ip6tables-save", "/usr/sbin/ip6tables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["ip6tables-legacy-save"] = ["/usr/sbin/ip6tables-legacy-save", "/usr/sbin/xtables-legacy-multi"],
        ["ip6tables-nft-save"] = ["/usr/sbin/ip6tables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["arptables-nft-save"] = ["/usr/sbin/arptables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["ebtables-nft-save"] = ["/usr/sbin/ebtables-nft-save", "/usr/sbin/xtables-nft-multi"],
        ["nft"] = ["/usr/sbin/nft"],
    };

    private static Func<string, FoundTool?> Finder(Dictionary<string, string[]> tools, params string[] without) =>
        name => tools.TryGetValue(name, out var chain) && !without.Contains(name) ? new FoundTool(name, chain[0], chain) : null;

    /// <param name="legacy">For iptables and ip6tables; legacy arptables and ebtables are rare and absent unless asked for.</param>
    private static NetfilterEvidence Evidence(
        KernelTables legacy = KernelTables.Present, KernelTables nft = KernelTables.Present,
        KernelTables ebtablesLegacy = KernelTables.Absent, KernelTables arptablesLegacy = KernelTables.Absent) =>
        new(new Dictionary<string, KernelTables>
        {
            ["iptables"] = legacy,
            ["ip6tables"] = legacy,
            ["arptables"] = arptablesLegacy,
            ["ebtables"] = ebtablesLegacy,
        }, nft);

    private static string[] Tools(FirewallPlan plan) => plan.Listings.Select(l => l.Tool).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Both_backends_are_listed_where_both_are_installed()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian), Evidence());

        Assert.Equal(["arptables-nft-save", "ebtables-nft-save", "ip6tables-legacy-save", "ip6tables-nft-save", "iptables-legacy-save", "iptables-nft-save", "nft"], Tools(plan));
        Assert.Empty(plan.Missing);
        Assert.Equal(["list", "ruleset"], plan.Listings.Single(l => l.IsNftRuleset).Arguments);
    }

    [Fact]
    public void Each_listing_says_which_backend_and_family_its_cni_chains_live_in()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian), Evidence());
        var sources = plan.Listings.ToDictionary(l => l.Tool, l => l.CniSource);

        Assert.Equal(new CniChainSource("iptables-legacy-save", "legacy", "ip"), sources["iptables-legacy-save"]);
        Assert.Equal(new CniChainSource("iptables-nft-save", "nft", "ip"), sources["iptables-nft-save"]);
        Assert.Equal(new CniChainSource("ip6tables-legacy-save", "legacy", "ip6"), sources["ip6tables-legacy-save"]);
        Assert.Equal("ip6tables-nft", sources["ip6tables-nft-save"]!.DeleteTool);
        Assert.Null(sources["arptables-nft-save"]);
        Assert.Null(sources["ebtables-nft-save"]);
        Assert.Null(sources["nft"]);  // parsed per table: its family comes from each "table FAMILY NAME"
        Assert.Equal("nft", plan.Listings.Single(l => l.IsNftRuleset).Backend);
    }

    [Fact]
    public void A_missing_legacy_tool_is_doubt_while_the_namespace_has_legacy_tables()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian, "ip6tables-legacy-save"), Evidence());

        Assert.Contains(plan.Missing, m => m.Contains("ip6tables-legacy-save is not installed", StringComparison.Ordinal));
        Assert.DoesNotContain("ip6tables-save", Tools(plan));  // the unsuffixed name is the nft one here
    }

    [Fact]
    public void A_backend_the_kernel_proves_empty_needs_no_tool_and_runs_none()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian, "iptables-legacy-save", "ip6tables-legacy-save"), Evidence(legacy: KernelTables.Absent));

        Assert.Empty(plan.Missing);
        Assert.DoesNotContain(plan.Listings, l => l.Tool.Contains("legacy", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_legacy_ebtables_without_its_tool_is_doubt()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian), Evidence(ebtablesLegacy: KernelTables.Unknown));

        Assert.Equal(["ebtables-legacy-save is not installed, and nothing proves the kernel holds no legacy ebtables tables"], plan.Missing);
    }

    [Fact]
    public void A_legacy_family_with_tables_in_the_kernel_needs_its_tool_even_when_rare()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian), Evidence(arptablesLegacy: KernelTables.Present));

        Assert.Equal(["arptables-legacy-save is not installed, and this namespace has legacy arptables tables"], plan.Missing);
    }

    [Fact]
    public void No_tool_at_all_is_doubt_for_every_backend_that_may_hold_rules()
    {
        var plan = FirewallPlanner.Plan(_ => null, Evidence());

        Assert.Empty(plan.Listings);
        Assert.Equal(3, plan.Missing.Count);  // iptables and ip6tables legacy, and nft
        Assert.Contains("nft is not installed, and the kernel has nf_tables", plan.Missing);
    }

    [Fact]
    public void Without_nf_tables_in_the_kernel_no_nft_tool_runs_or_is_needed()
    {
        var plan = FirewallPlanner.Plan(Finder(Debian), Evidence(nft: KernelTables.Absent));

        Assert.Equal(["ip6tables-legacy-save", "iptables-legacy-save"], Tools(plan));
        Assert.Empty(plan.Missing);
    }

    [Fact]
    public void An_unsuffixed_tool_stands_in_for_the_backend_it_points_at()
    {
        var tools = new Dictionary<string, string[]>
        {
            // An older distribution: only the legacy multi-call binary under its plain name.
            ["iptables-save"] = ["/sbin/iptables-save", "/sbin/xtables-multi"],
            ["nft"] = ["/usr/sbin/nft"],
        };
        var plan = FirewallPlanner.Plan(Finder(tools), Evidence(legacy: KernelTables.Absent) with
        {
            Legacy = XtablesFamily.All.ToDictionary(f => f.Name, f => f.Name == "iptables" ? KernelTables.Present : KernelTables.Absent),
        });

        Assert.Equal(["iptables-save", "nft"], Tools(plan));
        Assert.Empty(plan.Missing);
        Assert.Empty(plan.DecodedNftFamilies);
    }

    [Fact]
    public void Extensions_nft_cannot_print_need_the_family_tool()
    {
        const string ruleset = """
            table ip filter {
            	chain FORWARD {
            		xt match physdev counter packets 0 bytes 0 drop
            	}
            }
            table bridge filter {
            	chain FORWARD {
            		iifname "vetheb" drop
            	}
            }
            """;
        var withTool = FirewallPlanner.Plan(Finder(Debian), Evidence());
        var without = FirewallPlanner.Plan(Finder(Debian, "iptables-nft-save", "iptables-save"), Evidence());

        Assert.Empty(FirewallPlanner.UndecodedExtensions(ruleset, withTool));
        Assert.Equal(
            ["nft cannot print the iptables extensions used in its ip tables, and iptables-nft-save is not installed"],
            FirewallPlanner.UndecodedExtensions(ruleset, without));
    }
}

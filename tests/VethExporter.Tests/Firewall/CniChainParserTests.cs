using System.Net;
using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.Tests.Cni;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Firewall;

/// <summary>Against the listings of a fake host in which the real plugins ran (Fixtures/cni/firewall, podman/).</summary>
public class CniChainParserTests
{
    private static readonly CniChainSource NftV4 = new("iptables-nft-save", "nft", "ip");
    private static readonly CniChainSource NftV6 = new("ip6tables-nft-save", "nft", "ip6");
    private static readonly CniChainSource LegacyV4 = new("iptables-legacy-save", "legacy", "ip");

    private static CniListingFacts Save(string fixture, CniChainSource source) => CniChainParser.ParseSave(Fixture.Text(fixture), source);

    [Fact]
    public void Bridge_ptp_and_portmap_chains_are_found_by_their_comments_with_their_jumps()
    {
        var facts = Save("cni/firewall/iptables-nft-save.txt", NftV4);
        string ptp = CniFixtures.ContainerId("ptpnet"), bridge = CniFixtures.ContainerId("bridgenet");

        Assert.Equal(
            new[]
            {
                ("nat", CniNames.MasqueradeChain("ptpnet", ptp), "ptpnet", ptp),
                ("nat", CniNames.MasqueradeChain("bridgenet", bridge), "bridgenet", bridge),
                ("nat", CniNames.PortmapDnatChain("bridgenet", bridge), "bridgenet", bridge),
            }.OrderBy(c => c.Item2, StringComparer.Ordinal),
            facts.Chains.Select(c => (c.Table, c.Chain, c.Network!, c.ContainerId!)).OrderBy(c => c.Item2, StringComparer.Ordinal));
        Assert.All(facts.Chains, c => Assert.Same(NftV4, c.Source));

        var masquerade = facts.Chains.Single(c => c.Chain == CniNames.MasqueradeChain("ptpnet", ptp));
        Assert.Equal(
            $"-A POSTROUTING -s 10.77.1.10/32 -m comment --comment \"name: \\\"ptpnet\\\" id: \\\"{ptp}\\\"\" -j {masquerade.Chain}",
            Assert.Single(masquerade.Jumps));
        Assert.Equal(2, masquerade.Rules.Count);
        Assert.EndsWith("-j MASQUERADE", masquerade.Rules[1]);

        var dnat = facts.Chains.Single(c => c.Chain.StartsWith("CNI-DN-", StringComparison.Ordinal));
        Assert.StartsWith("-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment \"dnat name: \\\"bridgenet\\\"", Assert.Single(dnat.Jumps));
        Assert.Equal(3, dnat.Rules.Count);
        Assert.EndsWith("-j DNAT --to-destination 10.77.2.2:80", dnat.Rules[2]);
    }

    [Fact]
    public void Shared_chains_are_no_containers_own()
    {
        var names = Save("cni/firewall/iptables-nft-save.txt", NftV4).Chains.Select(c => c.Chain).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("CNI-HOSTPORT-", StringComparison.Ordinal) || n is "CNI-FORWARD" or "CNI-ADMIN");
    }

    [Fact]
    public void Ipv6_chains_of_a_dual_stack_attachment_come_from_ip6tables()
    {
        var facts = Save("cni/firewall/ip6tables-nft-save.txt", NftV6);
        string bridge = CniFixtures.ContainerId("bridgenet");
        Assert.Equal(
            new[] { CniNames.MasqueradeChain("bridgenet", bridge), CniNames.PortmapDnatChain("bridgenet", bridge) }.Order(StringComparer.Ordinal),
            facts.Chains.Select(c => c.Chain).Order(StringComparer.Ordinal));
        Assert.Contains("-s fd77:2::2/128", facts.Chains.Single(c => !c.Chain.Contains("-DN-")).Jumps[0]);
        Assert.Equal("ip6tables-nft", facts.Chains[0].Source.DeleteTool);
    }

    [Fact]
    public void Legacy_backend_chains_are_found_the_same_way()
    {
        var facts = Save("cni/firewall/iptables-legacy-save.txt", LegacyV4);
        string id = CniFixtures.ContainerId("legacynet");
        Assert.Equal(2, facts.Chains.Count);
        Assert.All(facts.Chains, c => Assert.Equal(("legacynet", id), (c.Network, c.ContainerId)));
        Assert.Equal("iptables-legacy", facts.Chains[0].Source.DeleteTool);
        var v6 = Save("cni/firewall/ip6tables-legacy-save.txt", new("ip6tables-legacy-save", "legacy", "ip6")).Chains;
        Assert.DoesNotContain(v6, c => c.Network != "legacynet");
    }

    [Fact]
    public void Firewall_plugin_rules_are_keyed_on_the_container_ip()
    {
        var rules = Save("cni/firewall/iptables-nft-save.txt", NftV4).IpRules;
        Assert.Equal(2, rules.Count);
        Assert.All(rules, r => Assert.Equal(("filter", "CNI-FORWARD", IPAddress.Parse("10.77.3.2")), (r.Table, r.Chain, r.Address)));
        Assert.Equal("-A CNI-FORWARD -s 10.77.3.2/32 -j ACCEPT", rules[1].Rule);
    }

    [Fact]
    public void Podman_listing_gives_its_attachments_chains_and_firewall_rules()
    {
        string cache = Path.GetFileName(CniFixtures.PodmanCacheFile);
        string network = cache[..cache.IndexOf('-')], id = cache[(network.Length + 1)..cache.LastIndexOf('-')];
        var facts = Save("cni/podman/iptables-nft-save.txt", NftV4);
        Assert.Equal(
            new[] { CniNames.MasqueradeChain(network, id), CniNames.PortmapDnatChain(network, id) }.Order(StringComparer.Ordinal),
            facts.Chains.Select(c => c.Chain).Order(StringComparer.Ordinal));
        Assert.All(facts.Chains, c => Assert.Equal(id, c.ContainerId));
        Assert.All(facts.IpRules, r => Assert.Equal(IPAddress.Parse("10.77.5.2"), r.Address));
        Assert.Equal(2, facts.IpRules.Count);
    }

    [Fact]
    public void Nft_ruleset_shows_no_comments_so_chains_are_known_by_name()
    {
        var facts = CniChainParser.ParseNftRuleset(Fixture.Text("cni/firewall/nft-list-ruleset.txt"));
        string bridge = CniFixtures.ContainerId("bridgenet");
        var v4 = facts.Chains.Where(c => c.Source.Family == "ip").Select(c => c.Chain).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { CniNames.MasqueradeChain("ptpnet", CniFixtures.ContainerId("ptpnet")), CniNames.MasqueradeChain("bridgenet", bridge), CniNames.PortmapDnatChain("bridgenet", bridge) }.Order(StringComparer.Ordinal),
            v4);
        Assert.All(facts.Chains, c => Assert.Null(c.Network));
        Assert.All(facts.Chains, c => Assert.Equal("nft", c.Source.DeleteTool));
        var masquerade = facts.Chains.Single(c => c.Source.Family == "ip" && c.Chain == CniNames.MasqueradeChain("bridgenet", bridge));
        Assert.Equal($"ip saddr 10.77.2.2  counter packets 0 bytes 0 jump {masquerade.Chain}", Assert.Single(masquerade.Jumps));
        Assert.Equal(2, masquerade.Rules.Count);
        Assert.Equal(2, facts.Chains.Count(c => c.Source.Family == "ip6"));

        Assert.Equal(2, facts.IpRules.Count);
        Assert.All(facts.IpRules, r => Assert.Equal(IPAddress.Parse("10.77.3.2"), r.Address));
    }

    [Fact]
    public void Merge_drops_the_nft_view_of_what_iptables_nft_save_listed()
    {
        var nftSave = Save("cni/firewall/iptables-nft-save.txt", NftV4);
        var nft6Save = Save("cni/firewall/ip6tables-nft-save.txt", NftV6);
        var ruleset = CniChainParser.ParseNftRuleset(Fixture.Text("cni/firewall/nft-list-ruleset.txt"));

        var merged = CniChainParser.Merge([nftSave, nft6Save, ruleset]);
        Assert.Equal(nftSave.Chains.Count + nft6Save.Chains.Count, merged.Chains.Count);
        Assert.DoesNotContain(merged.Chains, c => c.Source.Tool == "nft");
        Assert.Equal(2, merged.IpRules.Count);

        // Without ip6tables-nft-save, the ip6 tables are only in the nft view, and stay.
        var partial = CniChainParser.Merge([nftSave, ruleset]);
        Assert.Equal(2, partial.Chains.Count(c => c.Source is { Tool: "nft", Family: "ip6" }));
    }

    [Fact]
    public void A_listed_jump_turns_into_the_arguments_that_delete_it()
    {
        var chain = Save("cni/firewall/iptables-nft-save.txt", NftV4).Chains[0];
        var arguments = XtablesRule.DeleteArguments(chain.Table, chain.Jumps[0]);
        Assert.Equal(["-t", "nat", "-D", "POSTROUTING"], arguments.Take(4));
        Assert.Equal($"name: \"{chain.Network}\" id: \"{chain.ContainerId}\"", arguments[arguments.ToList().IndexOf("--comment") + 1]);
        Assert.Equal(chain.Chain, arguments[^1]);
        Assert.Throws<ArgumentException>(() => XtablesRule.DeleteArguments("nat", ":CNI-X - [0:0]"));
    }

    [Fact]
    public void Split_follows_iptables_save_quoting()
    {
        Assert.Equal(["-A", "X", "--comment", "a \"b\" \\c", "-j", "Y"], XtablesRule.Split("-A X --comment \"a \\\"b\\\" \\\\c\" -j Y"));
        Assert.Equal(["-A", "X", ""], XtablesRule.Split("-A X \"\""));
    }

    [Fact]
    public void Hand_made_lookalikes_and_junk_are_not_cni_chains()
    {
        const string text = """
            *nat
            :CNI-MYOWN - [0:0]
            :CNI-abc - [0:0]
            :KUBE-SVC-X - [0:0]
            -A POSTROUTING -m comment --comment "name: \"n\" id: \"c\"" -j KUBE-SVC-X
            -A CNI-MYOWN -j ACCEPT
            -A CNI-abc "unterminated
            COMMIT
            *filter
            -A CNI-FORWARD -s 10.0.0.0/24 -j ACCEPT
            -A CNI-FORWARD ! -s 10.0.0.9/32 -j DROP
            COMMIT
            """;
        var facts = CniChainParser.ParseSave(text, NftV4);
        Assert.Empty(facts.Chains);
        Assert.Empty(facts.IpRules);
    }

    [Fact]
    public void A_large_node_with_many_leaked_chains_parses_quickly()
    {
        var text = new System.Text.StringBuilder("*nat\n");
        for (int i = 0; i < 20_000; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $":KUBE-SVC-{i:x8} - [0:0]\n");
        for (int i = 0; i < 2_000; i++)
        {
            string chain = CniNames.MasqueradeChain("big", $"c{i}");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $":{chain} - [0:0]\n");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"-A POSTROUTING -s 10.1.{i / 250}.{i % 250}/32 -m comment --comment \"name: \\\"big\\\" id: \\\"c{i}\\\"\" -j {chain}\n");
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"-A {chain} ! -d 224.0.0.0/4 -j MASQUERADE\n");
        }
        for (int i = 0; i < 50_000; i++) text.Append(System.Globalization.CultureInfo.InvariantCulture, $"-A KUBE-SVC-{i % 20_000:x8} -m comment --comment \"svc {i}\" -j KUBE-SEP-{i:x8}\n");
        text.Append("COMMIT\n");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var facts = CniChainParser.ParseSave(text.ToString(), NftV4);
        watch.Stop();
        Assert.Equal(2_000, facts.Chains.Count);
        Assert.All(facts.Chains, c => Assert.Equal(c.Chain, CniNames.MasqueradeChain("big", c.ContainerId!)));
        Assert.All(facts.Chains, c => Assert.Single(c.Jumps));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}

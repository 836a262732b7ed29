using VethExporter.Firewall;

namespace VethExporter.Tests.Firewall;

public class NftExtensionsTests
{
    [Fact]
    public void Finds_the_families_whose_rules_use_extensions()
    {
        // As nft 1.0.6 prints rules iptables-nft made with -m physdev and an ebtables-nft rule.
        const string ruleset = """
            table ip filter {
            	chain FORWARD {
            		type filter hook forward priority filter; policy accept;
            		xt match physdev counter packets 0 bytes 0 drop
            		iifname "vethii" counter packets 0 bytes 0 drop
            	}
            }
            table bridge filter {
            	chain FORWARD {
            		iifname "vetheb" counter packets 0 bytes 0 drop
            	}
            }
            table ip6 nat {
            	chain POSTROUTING {
            		xt target MASQUERADE
            	}
            }
            """;

        Assert.Equal(["ip", "ip6"], NftExtensions.FamiliesUsingExtensions(ruleset).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Native_rules_use_none()
    {
        Assert.Empty(NftExtensions.FamiliesUsingExtensions("table inet fw {\n\tchain c {\n\t\toifname \"veth1\" drop\n\t}\n}\n"));
    }
}

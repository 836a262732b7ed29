using VethExporter.Firewall;

namespace VethExporter.Tests.Firewall;

public class KernelConfigTests
{
    private const string Config = """
        CONFIG_NF_TABLES=y
        CONFIG_IP_NF_IPTABLES=m
        # CONFIG_BRIDGE_NF_EBTABLES_LEGACY is not set
        CONFIG_BRIDGE_NF_EBTABLES=y
        """;

    [Theory]
    [InlineData("CONFIG_NF_TABLES", 'y')]
    [InlineData("CONFIG_IP_NF_IPTABLES", 'm')]
    [InlineData("CONFIG_BRIDGE_NF_EBTABLES_LEGACY", 'n')]
    [InlineData("CONFIG_BRIDGE_NF_EBTABLES", 'y')]
    [InlineData("CONFIG_NF_TABLE", null)]  // a prefix of an option is not that option
    [InlineData("CONFIG_IP_NF_ARPTABLES", null)]
    public void Reads_each_option(string option, char? expected)
    {
        Assert.Equal(expected, KernelConfig.Lookup(Config, option));
    }
}

namespace VethExporter.Cni;

/// <summary>
/// A network configuration as libcni runs it: a conflist's name and version, and its plugins in ADD
/// order (a single-plugin config is a list of one). <see cref="Bytes"/> is kept as read: a DEL replay
/// hands each plugin its own part of it.
/// </summary>
public sealed record CniNetworkConfig(string Name, string? CniVersion, IReadOnlyList<CniPluginConfig> Plugins, byte[] Bytes)
{
    /// <summary>The host-local IPAM of the first plugin that uses it, or null.</summary>
    public HostLocalIpam? HostLocal => Plugins.Select(p => p.HostLocal).FirstOrDefault(h => h is not null);
}

/// <param name="Type">The plugin binary's name, looked up in the plugin directories.</param>
/// <param name="Json">This plugin's own object as raw JSON.</param>
/// <param name="Capabilities">Capability names the plugin declares (runtimeConfig gets only these).</param>
/// <param name="HostLocal">Its ipam section when that is host-local.</param>
public sealed record CniPluginConfig(string Type, string Json, IReadOnlyList<string> Capabilities, HostLocalIpam? HostLocal);

/// <summary>host-local's configuration: its data directory (null: the default) and its range sets.</summary>
public sealed record HostLocalIpam(string? DataDir, IReadOnlyList<IReadOnlyList<CniIpRange>> RangeSets)
{
    /// <summary>How many addresses host-local can hand out over all its ranges (see <see cref="HostLocalPool"/>).</summary>
    public UInt128 PoolSize => HostLocalPool.Size(this).Addresses;
}

/// <summary>One host-local range: a subnet and optional start, end and gateway inside it.</summary>
public sealed record CniIpRange(string Subnet, string? RangeStart, string? RangeEnd, string? Gateway);

namespace VethExporter.Cni;

/// <summary>
/// A firewall chain a CNI plugin made for one container, found by the comment its rules carry
/// (<c>name: "&lt;network&gt;" id: "&lt;containerId&gt;"</c>): bridge/ptp masquerade chains <c>CNI-&lt;hash&gt;</c>,
/// portmap's <c>CNI-DN-&lt;hash&gt;</c>, and the rules that jump to them.
/// </summary>
/// <param name="Family">Where it lives: <c>ip</c>, <c>ip6</c> (iptables/ip6tables) or an nft table family.</param>
/// <param name="Table">nat, filter, …</param>
/// <param name="Jumps">Rules in other chains that jump to this one, as listed (so they can be removed with it).</param>
public sealed record CniFirewallChain(string Family, string Table, string Chain, string Network, string ContainerId, IReadOnlyList<string> Jumps);

using System.Net;

namespace VethExporter.Cni;

/// <summary>
/// One host-local reservation: the file <c>&lt;dataDir&gt;/&lt;network&gt;/&lt;ip&gt;</c> holding
/// <c>&lt;containerId&gt;\r\n&lt;ifName&gt;</c> (or only the container id, as older versions wrote).
/// </summary>
public sealed record HostLocalLease(string Network, IPAddress Address, string ContainerId, string? IfName, string Path);

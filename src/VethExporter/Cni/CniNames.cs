using System.Security.Cryptography;
using System.Text;

namespace VethExporter.Cni;

/// <summary>
/// The names the reference plugins derive from an attachment (plugins/pkg/utils FormatChainName and the
/// bandwidth plugin): the first hex digits of sha512(network + containerId). Checked against the chains and
/// the ifb the real plugins made (Fixtures/cni). They tie a chain to its attachment where the listing shows
/// no comment, and name the ifb a DEL replay must find gone.
/// </summary>
public static class CniNames
{
    /// <summary>bridge and ptp ipMasq: <c>CNI-</c> + 24 hex digits.</summary>
    public static string MasqueradeChain(string network, string containerId) => "CNI-" + Hash(network, containerId)[..24];

    /// <summary>portmap: <c>CNI-DN-</c> + 21 hex digits (iptables chain names stop at 28 characters).</summary>
    public static string PortmapDnatChain(string network, string containerId) => "CNI-DN-" + Hash(network, containerId)[..21];

    /// <summary>bandwidth: the ifb device <c>bwp</c> + 12 hex digits.</summary>
    public static string BandwidthIfb(string network, string containerId) => "bwp" + Hash(network, containerId)[..12];

    private static string Hash(string network, string containerId) =>
        Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(network + containerId)));
}

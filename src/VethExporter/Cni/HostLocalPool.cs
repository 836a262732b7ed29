using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace VethExporter.Cni;

/// <summary>
/// The size of host-local's pool, counted as the plugin allocates: a range runs from rangeStart
/// (default: the subnet's first address after the network address) to rangeEnd (default: the last
/// address, the broadcast excluded for IPv4), and the gateway (default: the first address after the
/// network address) is never handed out. Unparseable ranges count as empty.
/// </summary>
public static class HostLocalPool
{
    public static long Size(HostLocalIpam ipam)
    {
        BigInteger total = 0;
        foreach (var set in ipam.RangeSets)
        {
            foreach (var range in set) total += Size(range);
        }
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }

    public static BigInteger Size(CniIpRange range)
    {
        if (!IPNetwork.TryParse(range.Subnet, out var subnet)) return 0;
        bool v4 = subnet.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        int bits = v4 ? 32 : 128;
        var network = ToNumber(subnet.BaseAddress);
        var last = network + (BigInteger.One << (bits - subnet.PrefixLength)) - 1;
        if (v4 && subnet.PrefixLength < 31) last -= 1; // host-local's lastIP leaves out the broadcast

        var start = network + 1;
        var end = last;
        if (range.RangeStart is { } s && !TryInside(s, subnet, out start)) return 0;
        if (range.RangeEnd is { } e && !TryInside(e, subnet, out end)) return 0;
        if (end < start) return 0;
        BigInteger size = end - start + 1;

        BigInteger gateway = network + 1;
        if (range.Gateway is { } g && !TryInside(g, subnet, out gateway)) gateway = -1;
        if (gateway >= start && gateway <= end) size -= 1;
        return size;
    }

    private static bool TryInside(string text, IPNetwork subnet, out BigInteger value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var address) || !subnet.Contains(address)) return false;
        value = ToNumber(address);
        return true;
    }

    private static BigInteger ToNumber(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}

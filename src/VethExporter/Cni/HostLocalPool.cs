using System.Net;
using System.Net.Sockets;

namespace VethExporter.Cni;

/// <summary>The addresses host-local can hand out, and the ranges it would refuse to load.</summary>
public sealed record HostLocalPoolSize(UInt128 Addresses, IReadOnlyList<string> Errors);

/// <summary>
/// The size of a host-local pool, with the plugin's own rules (plugins/ipam/host-local/backend/allocator,
/// Range.Canonicalize and the range iterator, checked against host-local 1.1.1 filling a /29): the subnet
/// must be a network address and leave room (not a /31, /32, /127, /128); rangeStart defaults to the
/// network address + 1; rangeEnd to the broadcast − 1 for IPv4 and the last address for IPv6; the gateway
/// (default network + 1) is never handed out, so it is left out when it lies inside the range. The sum
/// runs over every range of every range set.
/// </summary>
public static class HostLocalPool
{
    public static HostLocalPoolSize Size(HostLocalIpam ipam)
    {
        UInt128 total = 0;
        var errors = new List<string>();
        foreach (var set in ipam.RangeSets)
        {
            foreach (var range in set)
            {
                if (TrySize(range, out var size, out string? error)) total = total > UInt128.MaxValue - size ? UInt128.MaxValue : total + size;
                else errors.Add($"range {range.Subnet}: {error}");
            }
        }
        return new HostLocalPoolSize(total, errors);
    }

    public static bool TrySize(CniIpRange range, out UInt128 size, out string? error)
    {
        size = 0;
        if (!TryParseSubnet(range.Subnet, out var network, out int prefix, out int bits, out error)) return false;
        if (prefix > bits - 2)
        {
            error = "too small to allocate from";
            return false;
        }
        UInt128 hostMask = prefix == 0 ? Max(bits) : (UInt128.One << (bits - prefix)) - 1;
        if ((network & hostMask) != 0)
        {
            error = "has host bits set";
            return false;
        }
        UInt128 last = network | hostMask;

        UInt128 gateway = network + 1;
        if (range.Gateway is not null && !TryAddress(range.Gateway, bits, out gateway))
        {
            error = $"gateway {range.Gateway} is not an address of the subnet's family";
            return false;
        }
        UInt128 start = network + 1;
        if (range.RangeStart is not null && (!TryAddress(range.RangeStart, bits, out start) || start < network || start > last))
        {
            error = $"rangeStart {range.RangeStart} is not in the subnet";
            return false;
        }
        UInt128 end = bits == 32 ? last - 1 : last;
        if (range.RangeEnd is not null && (!TryAddress(range.RangeEnd, bits, out end) || end < start || end > last))
        {
            error = $"rangeEnd {range.RangeEnd} is not in the subnet after rangeStart";
            return false;
        }

        size = end - start;
        if (size != UInt128.MaxValue) size++;
        if (gateway >= start && gateway <= end) size--;
        error = null;
        return true;
    }

    private static bool TryParseSubnet(string text, out UInt128 network, out int prefix, out int bits, out string? error)
    {
        network = 0;
        prefix = bits = 0;
        int slash = text.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix))
        {
            error = "is not an address/prefix";
            return false;
        }
        bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix > bits)
        {
            error = $"prefix /{prefix} is longer than {bits} bits";
            return false;
        }
        network = ToNumber(address);
        error = null;
        return true;
    }

    private static bool TryAddress(string text, int bits, out UInt128 value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var address)) return false;
        if (address.IsIPv4MappedToIPv6 && bits == 32) address = address.MapToIPv4();
        if ((address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128) != bits) return false;
        value = ToNumber(address);
        return true;
    }

    private static UInt128 Max(int bits) => bits == 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    internal static UInt128 ToNumber(IPAddress address)
    {
        UInt128 value = 0;
        foreach (byte b in address.GetAddressBytes()) value = (value << 8) | b;
        return value;
    }
}

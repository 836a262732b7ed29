using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace VethExporter.Cni;

/// <summary>What one file of a host-local network directory is.</summary>
public enum LeaseFileKind
{
    /// <summary>A reservation: <c>&lt;ip&gt;</c> holding the container id (and interface).</summary>
    Lease,

    /// <summary>host-local's own bookkeeping (<c>lock</c>, <c>last_reserved_ip.N</c>): not a reservation.</summary>
    Bookkeeping,

    /// <summary>Anything else: an error naming the file.</summary>
    Junk,
}

/// <summary>
/// Parses host-local's reservation files (<c>&lt;dataDir&gt;/&lt;network&gt;/&lt;ip&gt;</c>). Since 0.7 it
/// writes <c>&lt;containerId&gt;\r\n&lt;ifName&gt;</c>; older versions wrote the container id alone.
/// The file name must be the address as host-local prints it (canonical: no leading zeros, IPv6 compressed).
/// </summary>
public static class HostLocalLeaseParser
{
    /// <summary>Reservation files are a container id and an interface name: anything near this size is not one.</summary>
    public const int MaxLeaseBytes = 4096;

    public static LeaseFileKind Classify(string fileName) =>
        fileName == "lock" || fileName.StartsWith("last_reserved_ip.", StringComparison.Ordinal) ? LeaseFileKind.Bookkeeping
        : TryAddress(fileName, out _) ? LeaseFileKind.Lease
        : LeaseFileKind.Junk;

    public static bool TryParse(string network, string path, ReadOnlySpan<byte> content, [NotNullWhen(true)] out HostLocalLease? lease, out string? error)
    {
        lease = null;
        string fileName = Path.GetFileName(path);
        if (!TryAddress(fileName, out var address))
        {
            error = "the file name is not an IP address";
            return false;
        }
        if (content.Length > MaxLeaseBytes)
        {
            error = $"larger than {MaxLeaseBytes} bytes: not a reservation";
            return false;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            error = "not UTF-8 text";
            return false;
        }
        // host-local itself trims the content before comparing it with "<id>\r\n<ifname>" or "<id>".
        text = text.Trim();
        string id = text;
        string? ifName = null;
        int lineBreak = text.IndexOf("\r\n", StringComparison.Ordinal);
        if (lineBreak >= 0)
        {
            id = text[..lineBreak];
            ifName = text[(lineBreak + 2)..];
            if (!IsInterfaceName(ifName))
            {
                error = "the second line is not an interface name";
                return false;
            }
        }
        if (id.Length == 0 || !id.All(c => c > ' ' && c != '\u007f'))
        {
            error = id.Length == 0 ? "empty: no container id" : "the container id has spaces or control characters";
            return false;
        }
        lease = new HostLocalLease(network, address, id, ifName, path);
        error = null;
        return true;
    }

    private static bool IsInterfaceName(string name) =>
        name.Length is > 0 and < 16 && name.All(c => c > ' ' && c < '\u007f' && c != '/' && c != ':');

    private static bool TryAddress(string name, [NotNullWhen(true)] out IPAddress? address) =>
        IPAddress.TryParse(name, out address) && address.ToString() == name;
}

/// <summary>
/// One host-local reservation: the file <c>&lt;dataDir&gt;/&lt;network&gt;/&lt;ip&gt;</c> holding
/// <c>&lt;containerId&gt;\r\n&lt;ifName&gt;</c> (or only the container id, as older versions wrote).
/// </summary>
public sealed record HostLocalLease(string Network, IPAddress Address, string ContainerId, string? IfName, string Path);

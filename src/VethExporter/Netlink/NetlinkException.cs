namespace VethExporter.Netlink;

/// <summary>A netlink exchange that could not complete: the kernel refused, or the reply was malformed.</summary>
public sealed class NetlinkException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}

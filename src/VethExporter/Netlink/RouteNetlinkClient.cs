using VethExporter.Interop;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>
/// The I/O half of rtnetlink: sends a request, feeds every datagram to a <see cref="ReplyCollector{T}"/>
/// and retries dumps the kernel marked inconsistent. One request at a time per client.
/// </summary>
internal sealed class RouteNetlinkClient : IDisposable
{
    private const int DumpAttempts = 5;

    private readonly NetlinkSocket _socket;
    private readonly Lock _gate = new();
    private byte[] _buffer = new byte[64 * 1024];
    private uint _sequence = (uint)Environment.TickCount;

    private RouteNetlinkClient(NetlinkSocket socket) => _socket = socket;

    /// <summary>Receives a copy of every datagram read, tagged with the request type (fixture capture).</summary>
    public Action<ushort, ReadOnlySpan<byte>>? DatagramObserver { get; set; }

    /// <summary>Opens a client in our own namespace, or in the one pinned at <paramref name="netnsPath"/>.</summary>
    public static RouteNetlinkClient Open(string? netnsPath) =>
        new(netnsPath is null ? NetlinkSocket.Open() : NetworkNamespace.RunIn(netnsPath, NetlinkSocket.Open));

    /// <summary>Opens a client in our own namespace, or in the already open <paramref name="netns"/>.</summary>
    public static RouteNetlinkClient Open(NamespaceFile? netns) =>
        new(netns is null ? NetlinkSocket.Open() : NetworkNamespace.RunIn(netns, NetlinkSocket.Open));

    public List<LinkRecord> DumpLinks() => Dump<LinkRecord>(RequestBuilder.DumpLinks, RtmNewLink, LinkMessageParser.TryParse);

    public List<AddressRecord> DumpAddresses() =>
        Dump<AddressRecord>(RequestBuilder.DumpAddresses, RtmNewAddr, AddressMessageParser.TryParse);

    public List<QdiscRecord> DumpQdiscs() =>
        Dump<QdiscRecord>(RequestBuilder.DumpQdiscs, RtmNewQdisc, QdiscMessageParser.TryParse);

    /// <summary>The filters on link <paramref name="index"/> under <paramref name="parent"/> (TcHIngress: what it receives).</summary>
    public List<FilterRecord> DumpFilters(int index, uint parent) =>
        Dump<FilterRecord>(sequence => RequestBuilder.DumpFilters(sequence, index, parent), RtmNewTFilter, FilterMessageParser.TryParse);

    /// <summary>The id the scanned namespace gives to the network namespace of task <paramref name="tid"/>.</summary>
    public NsidAnswer GetNsidByPid(int tid) => GetNsid(sequence => RequestBuilder.GetNsidByPid(sequence, tid));

    /// <summary>The id the scanned namespace gives to the network namespace open at <paramref name="fd"/>.</summary>
    public NsidAnswer GetNsidByFd(int fd) => GetNsid(sequence => RequestBuilder.GetNsidByFd(sequence, fd));

    /// <summary>Deletes the link with this ifindex in the socket's namespace; returns 0 or the kernel's errno.</summary>
    public int DeleteLink(int index) => Acknowledged(sequence => RequestBuilder.DeleteLink(sequence, index));

    /// <summary>Removes the link from its master; returns 0 or the kernel's errno.</summary>
    public int DetachFromMaster(int index) => Acknowledged(sequence => RequestBuilder.DetachFromMaster(sequence, index));

    /// <summary>The link with this ifindex now, or null with the errno (ENODEV: it is gone).</summary>
    public LinkRecord? GetLink(int index, out int errno)
    {
        lock (_gate)
        {
            var (collector, _) = Exchange<LinkRecord>(sequence => RequestBuilder.GetLink(sequence, index), RtmNewLink, LinkMessageParser.TryParse, isDump: false);
            errno = collector.Error is null ? 0 : collector.KernelErrno == 0 ? Errno.EINVAL : collector.KernelErrno;
            return collector.Error is null ? collector.Items[0] : null;
        }
    }

    private int Acknowledged(Func<uint, byte[]> build)
    {
        lock (_gate)
        {
            var (collector, _) = Exchange<int>(build, RtmNewLink, static (ReadOnlySpan<byte> _, out int i, out string? e) =>
            {
                i = 0;
                e = null;
                return true;
            }, isDump: false);
            return collector.Error is null ? 0 : collector.KernelErrno == 0 ? Errno.EINVAL : collector.KernelErrno;
        }
    }

    private NsidAnswer GetNsid(Func<uint, byte[]> build)
    {
        lock (_gate)
        {
            var (collector, _) = Exchange<int>(build, RtmNewNsid, static (ReadOnlySpan<byte> payload, out int nsid, out string? error) =>
                NsidMessageParser.TryParse(payload, out nsid, out error), isDump: false);
            return collector.Error is null
                ? new NsidAnswer(collector.Items[0], 0)
                : new NsidAnswer(NsidNotAssigned, collector.KernelErrno == 0 ? Errno.EINVAL : collector.KernelErrno);
        }
    }

    private List<T> Dump<T>(Func<uint, byte[]> build, ushort replyType, MessageParser<T> parse)
    {
        lock (_gate)
        {
            for (int attempt = 1; ; attempt++)
            {
                var (collector, status) = Exchange(build, replyType, parse, isDump: true);
                if (collector.Error is not null)
                    throw new NetlinkException($"netlink dump (type {replyType}) failed: {collector.Error}", collector.KernelErrno);
                if (status != ReplyStatus.Interrupted) return collector.Items;
                if (attempt == DumpAttempts)
                    throw new NetlinkException($"netlink dump (type {replyType}) was interrupted {DumpAttempts} times in a row", 0);
            }
        }
    }

    private (ReplyCollector<T> Collector, ReplyStatus Status) Exchange<T>(Func<uint, byte[]> build, ushort replyType, MessageParser<T> parse, bool isDump)
    {
        for (int attempt = 1; ; attempt++)
        {
            uint sequence = unchecked(++_sequence);
            var collector = new ReplyCollector<T>(sequence, _socket.PortId, replyType, parse, isDump);
            _socket.Send(build(sequence));
            while (true)
            {
                int length = _socket.Receive(ref _buffer);
                if (length == -Errno.ENOBUFS && attempt < DumpAttempts) break; // messages were dropped: ask again
                if (length < 0) throw new NetlinkException($"recv(netlink): {Errno.Describe(-length)}", -length);
                var datagram = _buffer.AsSpan(0, length);
                DatagramObserver?.Invoke(replyType, datagram);
                var status = collector.Feed(datagram);
                if (status != ReplyStatus.InProgress) return (collector, status);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}

using VethExporter.Interop;

namespace VethExporter.Netlink;

/// <summary>
/// Listens, in the scanned namespace, to RTNLGRP_NSID: the kernel tells it of every id assigned to or
/// removed from another namespace (RTM_NEWNSID, RTM_DELNSID; a namespace's death removes its id). That
/// is what lets namespace ids be kept between scans: an id stays right until one of these says otherwise.
/// </summary>
internal sealed class NsidWatch : IDisposable
{
    private readonly NetlinkSocket _socket;
    private byte[] _buffer = new byte[8192];

    private NsidWatch(NetlinkSocket socket) => _socket = socket;

    /// <summary>Subscribes in our own namespace, or in the already open <paramref name="netns"/>.</summary>
    public static NsidWatch Open(NamespaceFile? netns) =>
        new(netns is null
            ? NetlinkSocket.OpenSubscribed(NetlinkConstants.RtnlGroupNsid)
            : NetworkNamespace.RunIn(netns, () => NetlinkSocket.OpenSubscribed(NetlinkConstants.RtnlGroupNsid)));

    /// <summary>Reads every notification waiting, without blocking.</summary>
    public NsidChanges Drain()
    {
        var ids = new HashSet<int>();
        while (true)
        {
            int length = _socket.ReceiveWaiting(ref _buffer);
            if (length == -Errno.EAGAIN) return ids.Count == 0 ? NsidChanges.None : new NsidChanges(false, ids);
            if (length < 0 || !NsidChanges.TryCollect(_buffer.AsSpan(0, length), ids))
            {
                // Lost or unreadable notifications: say so, and read on so the next drain starts clean.
                DrainRest();
                return new NsidChanges(true, ids);
            }
        }
    }

    private void DrainRest()
    {
        for (int i = 0; i < 100_000 && _socket.ReceiveWaiting(ref _buffer) is int n && n != -Errno.EAGAIN; i++)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}

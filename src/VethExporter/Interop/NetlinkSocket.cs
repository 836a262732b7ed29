using System.Runtime.InteropServices;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>
/// A NETLINK_ROUTE socket. Its network namespace is fixed when it is created, so a socket opened in the
/// scanned namespace can be used from any thread afterwards.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int NetlinkRoute = 0;
    private const int SolNetlink = 270;
    private const int NetlinkExtAck = 11;
    private const int NetlinkAddMembership = 1;
    private const int ReceiveTimeoutSeconds = 10;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    private readonly FileDescriptorHandle _handle;

    private NetlinkSocket(FileDescriptorHandle handle, uint portId)
    {
        _handle = handle;
        PortId = portId;
    }

    /// <summary>The port id the kernel assigned at bind; replies carry it.</summary>
    public uint PortId { get; }

    /// <summary>Opens a socket in the calling thread's current network namespace.</summary>
    public static NetlinkSocket Open()
    {
        int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NetlinkRoute);
        if (fd < 0) throw new SystemCallException("socket(AF_NETLINK, NETLINK_ROUTE)", Errno.Last);
        var handle = new FileDescriptorHandle(fd);
        try
        {
            int one = 1;
            // Extended acks only improve error text; an old kernel without them is fine.
            _ = LibC.setsockopt(fd, SolNetlink, NetlinkExtAck, &one, sizeof(int));
            var timeout = new TimeVal { Seconds = ReceiveTimeoutSeconds };
            if (LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, &timeout, (socklen_t)sizeof(TimeVal)) != 0)
                throw new SystemCallException("setsockopt(SO_RCVTIMEO)", Errno.Last);

            var local = new SockaddrNetlink { Family = (ushort)LibC.AF_NETLINK };
            if (LibC.bind(fd, (sockaddr*)&local, (socklen_t)sizeof(SockaddrNetlink)) != 0)
                throw new SystemCallException("bind(AF_NETLINK)", Errno.Last);
            socklen_t length = (socklen_t)sizeof(SockaddrNetlink);
            if (LibC.getsockname(fd, (sockaddr*)&local, &length) != 0)
                throw new SystemCallException("getsockname(AF_NETLINK)", Errno.Last);
            return new NetlinkSocket(handle, local.PortId);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a socket in the calling thread's namespace that receives the multicast group <paramref name="group"/> (RTNLGRP_*).</summary>
    public static NetlinkSocket OpenSubscribed(int group)
    {
        var socket = Open();
        try
        {
            int value = group;
            if (LibC.setsockopt(socket._handle.Fd, SolNetlink, NetlinkAddMembership, &value, sizeof(int)) != 0)
                throw new SystemCallException($"setsockopt(NETLINK_ADD_MEMBERSHIP, {group})", Errno.Last);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Receives one waiting datagram without blocking (see <see cref="Receive(ref byte[], int)"/>).</summary>
    /// <returns>Its length, -EAGAIN when none is waiting, or minus another errno (ENOBUFS: the kernel dropped messages).</returns>
    public int ReceiveWaiting(ref byte[] buffer) => Receive(ref buffer, LibC.MSG_DONTWAIT);

    public void Send(ReadOnlySpan<byte> datagram)
    {
        var kernel = new SockaddrNetlink { Family = (ushort)LibC.AF_NETLINK };
        fixed (byte* p = datagram)
        {
            while (true)
            {
                long sent = LibC.sendto(_handle.Fd, p, (size_t)datagram.Length, 0, (sockaddr*)&kernel, (socklen_t)sizeof(SockaddrNetlink));
                if (sent >= 0) return;
                int errno = Errno.Last;
                if (errno != Errno.EINTR) throw new SystemCallException("sendto(netlink)", errno);
            }
        }
    }

    /// <summary>
    /// Receives one datagram from the kernel, growing <paramref name="buffer"/> first if the waiting
    /// datagram is larger (peeked with MSG_TRUNC), so nothing is ever cut off.
    /// </summary>
    /// <returns>The datagram's length, or minus errno (ENOBUFS: the kernel dropped messages).</returns>
    public int Receive(ref byte[] buffer) => Receive(ref buffer, 0);

    private int Receive(ref byte[] buffer, int flags)
    {
        int size = ReceiveOnce(buffer, flags | LibC.MSG_PEEK | LibC.MSG_TRUNC, out _);
        if (size < 0) return size;
        if (size > buffer.Length) buffer = new byte[Math.Max(size, buffer.Length * 2)];
        while (true)
        {
            int n = ReceiveOnce(buffer, flags, out uint sender);
            // Only the kernel (port 0) may speak to us; anything else is dropped.
            if (n >= 0 && sender != 0) continue;
            return n;
        }
    }

    private int ReceiveOnce(byte[] buffer, int flags, out uint senderPort)
    {
        var from = default(SockaddrNetlink);
        socklen_t fromLength = (socklen_t)sizeof(SockaddrNetlink);
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = LibC.recvfrom(_handle.Fd, p, (size_t)buffer.Length, flags, (sockaddr*)&from, &fromLength);
                senderPort = from.PortId;
                if (n >= 0) return (int)n;
                int errno = Errno.Last;
                if (errno != Errno.EINTR) return -errno;
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}

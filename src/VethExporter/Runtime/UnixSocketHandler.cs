using System.Net.Sockets;

namespace VethExporter.Runtime;

/// <summary>An HTTP handler whose every connection is to one unix socket; requests name <c>http://localhost</c>.</summary>
internal static class UnixSocketHandler
{
    public static readonly Uri BaseAddress = new("http://localhost");

    /// <param name="onServer">Told, for every connection, the pid of the process serving the socket (SO_PEERCRED).</param>
    public static SocketsHttpHandler Create(string socketPath, TimeSpan connectTimeout, int maxConnections, Action<int>? onServer = null) => new()
    {
        ConnectTimeout = connectTimeout,
        MaxConnectionsPerServer = maxConnections,
        MaxResponseHeadersLength = 64, // KiB
        MaxResponseDrainSize = 0,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                if (onServer is not null && ServerPid(socket) is int pid) onServer(pid);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private const int SolSocket = 1;
    private const int SoPeercred = 17;

    /// <summary>
    /// The kernel's word on who serves a connected unix socket: the pid of struct ucred, recorded when the server
    /// called listen(). Trusted only for a root server that is not pid 1: a socket systemd activates was listened on
    /// by systemd, not by the runtime that answers; a server of another user is nobody's word on the runtime. Null
    /// then, and when the kernel gives none (0: a server in another pid namespace).
    /// </summary>
    private static int? ServerPid(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            int length = socket.GetRawSocketOption(SolSocket, SoPeercred, ucred);
            if (length < 8) return null;
            int pid = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(ucred);
            uint uid = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]);
            return pid > 1 && uid == 0 ? pid : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}

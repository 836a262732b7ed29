using System.Net.Sockets;

namespace VethExporter.Runtime;

/// <summary>An HTTP handler whose every connection is to one unix socket; requests name <c>http://localhost</c>.</summary>
internal static class UnixSocketHandler
{
    public static readonly Uri BaseAddress = new("http://localhost");

    public static SocketsHttpHandler Create(string socketPath, TimeSpan connectTimeout, int maxConnections) => new()
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
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

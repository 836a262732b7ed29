using System.Net;
using System.Net.Sockets;

namespace VethExporter.KernelTests.Support;

/// <summary>TCP connections a test opens and holds without a word (or with a half request), disposed together.</summary>
public sealed class IdleConnections : IDisposable
{
    private readonly List<Socket> _sockets = [];

    /// <summary>Connections attempted: held, or refused or reset by the server while they were being opened.</summary>
    public int Count => _sockets.Count + _refused;

    private int _refused;

    /// <summary>Opens count connections, a batch at a time so the listen backlog never overflows into SYN retries.</summary>
    /// <param name="overLimit">
    /// The server is meant to turn some away: one it resets before our side saw the connection up counts as closed
    /// by the server instead of failing the open.
    /// </param>
    public static async Task<IdleConnections> OpenAsync(int port, int count, byte[]? send = null, bool overLimit = false)
    {
        var connections = new IdleConnections();
        for (int done = 0; done < count; done += 100)
        {
            var batch = Enumerable.Range(0, Math.Min(100, count - done)).Select(async Task<Socket?> (_) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port);
                    if (send is not null) await socket.SendAsync(send);
                    return socket;
                }
                catch (SocketException e) when (overLimit && e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
                {
                    socket.Dispose();
                    return null;
                }
            });
            var opened = await Task.WhenAll(batch);
            connections._sockets.AddRange(opened.OfType<Socket>());
            connections._refused += opened.Count(s => s is null);
        }
        return connections;
    }

    /// <summary>How many the server has closed (a FIN or a reset seen, after reading whatever it answered).</summary>
    public int ClosedByServer()
    {
        int closed = _refused;
        byte[] buffer = new byte[4096];
        foreach (var socket in _sockets)
        {
            try
            {
                while (socket.Available > 0) socket.Receive(buffer);
                if (socket.Poll(0, SelectMode.SelectRead) && socket.Receive(buffer, SocketFlags.Peek) == 0) closed++;
            }
            catch (SocketException)
            {
                closed++;
            }
        }
        return closed;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
    }
}

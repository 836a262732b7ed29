using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace VethExporter.Tests.Support;

/// <summary>What a test server does with one HTTP request.</summary>
internal sealed record FakeReply(int Status, string Body, TimeSpan Delay = default, bool Silent = false, bool Hangup = false)
{
    public static FakeReply Json(string body) => new(200, body);
}

/// <summary>
/// A unix-socket server for tests, below HTTP: it answers each request (one per connection, then closes) with
/// what <c>handler</c> says for "METHOD /path?query", or stays silent, or hangs up, or waits first. Records the requests.
/// </summary>
internal sealed class UnixSocketServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<string, FakeReply> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _open = [];

    public UnixSocketServer(string path, Func<string, FakeReply> handler)
    {
        Path = path;
        _handler = handler;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _ = AcceptLoop();
    }

    public string Path { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _open.Add(connection);
            _ = Serve(connection);
        }
    }

    private async Task Serve(Socket connection)
    {
        try
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            while (!EndsHeaders(received))
            {
                int n = await connection.ReceiveAsync(buffer, _stop.Token);
                if (n == 0) return;
                received.AddRange(buffer.AsSpan(0, n).ToArray());
            }
            string head = Encoding.ASCII.GetString(received.ToArray());
            string[] requestLine = head[..head.IndexOf('\r', StringComparison.Ordinal)].Split(' ');
            string request = requestLine[0] + " " + requestLine[1];
            Requests.Enqueue(request);
            var reply = _handler(request);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, _stop.Token);
            if (reply.Silent)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            if (reply.Hangup)
            {
                connection.Shutdown(SocketShutdown.Both);
                connection.Dispose();
                return;
            }
            byte[] body = Encoding.UTF8.GetBytes(reply.Body);
            string headers = $"HTTP/1.1 {reply.Status} X\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
            await connection.SendAsync(Encoding.ASCII.GetBytes(headers), _stop.Token);
            if (body.Length > 0) await connection.SendAsync(body, _stop.Token);
            connection.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static bool EndsHeaders(List<byte> b)
    {
        int n = b.Count;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var s in _open) s.Dispose();
        _stop.Dispose();
    }
}

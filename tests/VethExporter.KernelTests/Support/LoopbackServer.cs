namespace VethExporter.KernelTests.Support;

/// <summary>
/// A server program a test starts on a free loopback port with a temporary directory of its own (its
/// configuration and data), ready once it answers GET /-/ready. Dispose kills it and removes the directory.
/// </summary>
public abstract class LoopbackServer : IDisposable
{
    private readonly BackgroundProcess _process;

    protected LoopbackServer(Started started)
    {
        _process = started.Process;
        Port = started.Port;
        Directory = started.Directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public string Directory { get; }

    public HttpClient Http { get; }

    public string Log => _process.Output;

    /// <summary>Starts <paramref name="tool"/> with the arguments made for its port and waits until it is ready.</summary>
    protected static async Task<T> StartAsync<T>(string tool, string directory, Func<int, IEnumerable<string>> arguments, Func<Started, T> create)
        where T : LoopbackServer
    {
        int port = BackgroundProcess.FreePort();
        var process = new BackgroundProcess(tool, arguments(port));
        var server = create(new Started(process, port, directory));
        if (!await Eventually.TrueAsync(() => process.HasExited || HttpProbe.IsOk(server.Http, "/-/ready"), TimeSpan.FromSeconds(60)) || process.HasExited)
        {
            string log = process.Output;
            server.Dispose();
            throw new InvalidOperationException($"{Path.GetFileName(tool)} did not become ready:\n{log}");
        }
        return server;
    }

    public void Dispose()
    {
        _process.Dispose();
        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        GC.SuppressFinalize(this);
    }

    protected sealed record Started(BackgroundProcess Process, int Port, string Directory);
}

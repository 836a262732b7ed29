using Grpc.Core;
using VethExporter.Interop;
using VethExporter.Runtime.Cri;

namespace VethExporter.Runtime;

/// <summary>
/// Asks every runtime socket, in parallel, each within its own budget, for its sandboxes: one
/// <see cref="RuntimeInventory"/> per scan. Never throws for a runtime's fault: a socket that is missing (when
/// configured), not a socket, silent, slow, refusing, or answering garbage or too much is a
/// <see cref="RuntimeStatus"/> with the reason, and contributes no sandbox.
/// </summary>
public static class RuntimeCollector
{
    public static async Task<RuntimeInventory> CollectAsync(RuntimeEndpoints endpoints, RuntimeLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(limits);
        var asks = new List<Task<(RuntimeStatus, IReadOnlyList<RuntimeSandbox>)>>();
        var statuses = new List<RuntimeStatus>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            int errno = PosixFile.StatIsSocket(endpoint.SocketPath, out bool isSocket);
            if (errno != 0)
            {
                if (Errno.IsGone(errno) && !endpoint.Configured) continue; // a default that is not there: no runtime
                statuses.Add(Down(endpoint, Errno.IsGone(errno) ? "no such socket" : $"cannot be stat'ed: {Errno.Describe(errno)}"));
                continue;
            }
            if (!isSocket)
            {
                statuses.Add(Down(endpoint, "not a unix socket"));
                continue;
            }
            asks.Add(AskAsync(endpoint, limits, cancellationToken));
        }
        var sandboxes = new List<RuntimeSandbox>();
        foreach (var (status, found) in await Task.WhenAll(asks).ConfigureAwait(false))
        {
            statuses.Add(status);
            if (status.Complete) sandboxes.AddRange(found);
        }
        return new RuntimeInventory(sandboxes, statuses);
    }

    /// <summary>One socket, within <see cref="RuntimeLimits.Budget"/>: whatever happens, a status.</summary>
    internal static async Task<(RuntimeStatus, IReadOnlyList<RuntimeSandbox>)> AskAsync(RuntimeEndpoint endpoint, RuntimeLimits limits, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limits.Budget);
        var progress = new Progress(endpoint.GuessedName);
        try
        {
            var sandboxes = endpoint.Api == RuntimeApi.DockerEngine
                ? await AskDockerAsync(endpoint, limits, progress, budget.Token).ConfigureAwait(false)
                : await AskCriAsync(endpoint, limits, progress, budget.Token).ConfigureAwait(false);
            return (new RuntimeStatus(progress.Name, endpoint.SocketPath, Up: true, Error: null, progress.Version) { ServerPid = progress.ServerPid }, sandboxes);
        }
        catch (Exception e) when (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (progress.Failed(endpoint, $"{progress.Stage}: no complete answer within the budget of {limits.Budget.TotalMilliseconds:0} ms"), []);
        }
        catch (Exception e) when (e is RuntimeAnswerException or TimeoutException or RpcException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException or FormatException)
        {
            return (progress.Failed(endpoint, Describe(progress.Stage, e)), []);
        }
    }

    private static string Describe(string stage, Exception e) => e switch
    {
        RpcException rpc => $"{stage}: gRPC {rpc.StatusCode}{(string.IsNullOrEmpty(rpc.Status.Detail) ? "" : ": " + DockerJson.Shorten(rpc.Status.Detail.ReplaceLineEndings(" ")))}",
        HttpRequestException http => $"{stage}: {DockerEngineClient.Describe(http)}",
        RuntimeAnswerException or TimeoutException => e.Message,
        _ => $"{stage}: {DockerJson.Shorten(e.Message.ReplaceLineEndings(" "))}",
    };

    private static RuntimeStatus Down(RuntimeEndpoint endpoint, string error) =>
        new(endpoint.GuessedName, endpoint.SocketPath, Up: false, error);

    private static async Task<IReadOnlyList<RuntimeSandbox>> AskDockerAsync(RuntimeEndpoint endpoint, RuntimeLimits limits, Progress progress, CancellationToken cancellationToken)
    {
        using var client = new DockerEngineClient(endpoint.SocketPath, limits, progress.Served);
        progress.Stage = "/version";
        var version = await client.VersionAsync(cancellationToken).ConfigureAwait(false);
        progress.Answered(version.Name, version.Version);
        progress.Stage = "/containers/json";
        // A list that names a container twice is the runtime's mistake: once is enough.
        var listed = (await client.ListAsync(cancellationToken).ConfigureAwait(false)).DistinctBy(c => c.Id, StringComparer.Ordinal).ToList();
        progress.Stage = "/containers/{id}/json";
        var running = listed.Where(c => c.State == "running").ToList();
        var inspected = new DockerContainer?[running.Count];
        await Parallel.ForAsync(0, running.Count, new ParallelOptions { MaxDegreeOfParallelism = limits.Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => inspected[i] = await client.InspectAsync(running[i].Id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var byId = new Dictionary<string, DockerContainer>(StringComparer.Ordinal);
        foreach (var c in inspected) if (c is not null) byId.TryAdd(c.Id, c);
        var sandboxes = new List<RuntimeSandbox>(listed.Count);
        foreach (var c in listed)
        {
            if (byId.TryGetValue(c.Id, out var full))
            {
                sandboxes.Add(new RuntimeSandbox(progress.Name, full.Id, full.Name ?? c.Name, full.Status, full.Running, full.SandboxKey,
                    full.PodNamespace, full.PodName, full.Pid, endpoint.SocketPath));
            }
            else if (c.State != "running")
            {
                // Not running: the list's word is enough (no process, no netns the runtime keeps up).
                sandboxes.Add(new RuntimeSandbox(progress.Name, c.Id, c.Name, c.State, Running: false, NetnsPath: null, null, null, null, endpoint.SocketPath));
            }
            // Running in the list but gone on inspect: removed in between, no longer the runtime's.
        }
        return sandboxes;
    }

    private static async Task<IReadOnlyList<RuntimeSandbox>> AskCriAsync(RuntimeEndpoint endpoint, RuntimeLimits limits, Progress progress, CancellationToken cancellationToken)
    {
        using var client = new CriRuntimeClient(endpoint.SocketPath, limits, progress.Served);
        progress.Stage = "Version";
        var version = await client.VersionAsync(cancellationToken).ConfigureAwait(false);
        progress.Answered(CriName(version.RuntimeName, endpoint), version.RuntimeVersion);
        progress.Stage = "ListPodSandbox";
        var listed = (await client.ListAsync(cancellationToken).ConfigureAwait(false)).DistinctBy(s => s.Id, StringComparer.Ordinal).ToList();
        progress.Stage = "PodSandboxStatus";
        var statuses = new CriSandbox?[listed.Count];
        await Parallel.ForAsync(0, listed.Count, new ParallelOptions { MaxDegreeOfParallelism = limits.Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => statuses[i] = await client.StatusAsync(listed[i].Id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return statuses.Where(s => s is not null)
            .Select(s => new RuntimeSandbox(progress.Name, s!.Id, s.PodName, s.State, s.Ready, s.NetnsPath, s.PodNamespace, s.PodName, s.Pid, endpoint.SocketPath))
            .ToList();
    }

    /// <summary>The CRI Version's runtime_name: <c>containerd</c>, <c>cri-o</c>; anything else keeps the socket's guess.</summary>
    internal static string CriName(string runtimeName, RuntimeEndpoint endpoint) => runtimeName switch
    {
        "containerd" => RuntimeNames.Containerd,
        "cri-o" or "crio" or "CRI-O" => RuntimeNames.CriO,
        _ => endpoint.GuessedName,
    };

    private sealed class Progress(string name)
    {
        private volatile bool _up;

        public string Name { get; private set; } = name;

        public string? Version { get; private set; }

        public string Stage { get; set; } = "connect";

        private volatile int _serverPid;

        /// <summary>The pid serving the socket; one process serves it, so the last connection's word stands.</summary>
        public int? ServerPid => _serverPid > 0 ? _serverPid : null;

        public void Served(int pid) => _serverPid = pid;

        public void Answered(string name, string? version)
        {
            Name = name;
            Version = version;
            _up = true;
        }

        public RuntimeStatus Failed(RuntimeEndpoint endpoint, string error) => new(Name, endpoint.SocketPath, _up, error, Version) { ServerPid = ServerPid };
    }
}

using Grpc.Core;
using Grpc.Net.Client;

namespace VethExporter.Runtime.Cri;

/// <summary>What the CRI runtime says of one pod sandbox (list plus verbose status).</summary>
public sealed record CriSandbox(string Id, string? PodName, string? PodNamespace, bool Ready, string State, string? NetnsPath, int? Pid);

/// <summary>
/// The CRI RuntimeService v1 (containerd, CRI-O) over a unix socket: gRPC on HTTP/2 without TLS, every call with
/// a deadline, answers capped in bytes. Failures are <see cref="RpcException"/>s (status and detail), or
/// <see cref="RuntimeAnswerException"/> for an answer we cannot use.
/// </summary>
internal sealed class CriRuntimeClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly RuntimeService.RuntimeServiceClient _client;
    private readonly RuntimeLimits _limits;

    public CriRuntimeClient(string socketPath, RuntimeLimits limits, Action<int>? onServer = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        SocketPath = socketPath;
        _limits = limits;
        _channel = GrpcChannel.ForAddress(UnixSocketHandler.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = UnixSocketHandler.Create(socketPath, limits.CallTimeout, limits.Parallelism, onServer),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = limits.MaxListBytes,
            MaxSendMessageSize = 64 * 1024,
            MaxRetryAttempts = 0,
        });
        _client = new RuntimeService.RuntimeServiceClient(_channel);
    }

    public string SocketPath { get; }

    /// <summary>Version: up-ness and the runtime's name (<c>containerd</c>, <c>cri-o</c>).</summary>
    public async Task<VersionResponse> VersionAsync(CancellationToken cancellationToken) =>
        await _client.VersionAsync(new VersionRequest { Version = "v1" }, Call(cancellationToken)).ResponseAsync.ConfigureAwait(false);

    /// <summary>ListPodSandbox, unfiltered.</summary>
    /// <exception cref="RuntimeAnswerException">More sandboxes than <see cref="RuntimeLimits.MaxSandboxes"/>, or one without an id.</exception>
    public async Task<IReadOnlyList<PodSandbox>> ListAsync(CancellationToken cancellationToken)
    {
        var answer = await _client.ListPodSandboxAsync(new ListPodSandboxRequest(), Call(cancellationToken)).ResponseAsync.ConfigureAwait(false);
        if (answer.Items.Count > _limits.MaxSandboxes)
            throw new RuntimeAnswerException($"ListPodSandbox: {answer.Items.Count} sandboxes, more than the {_limits.MaxSandboxes} we read");
        foreach (var item in answer.Items)
        {
            if (string.IsNullOrEmpty(item.Id)) throw new RuntimeAnswerException("ListPodSandbox: a sandbox without an id");
        }
        return answer.Items;
    }

    /// <summary>PodSandboxStatus, verbose (for the netns path and pid); null when the sandbox is gone (NotFound).</summary>
    public async Task<CriSandbox?> StatusAsync(string id, CancellationToken cancellationToken)
    {
        PodSandboxStatusResponse answer;
        try
        {
            answer = await _client.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id, Verbose = true }, Call(cancellationToken))
                .ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
        var status = answer.Status ?? throw new RuntimeAnswerException($"PodSandboxStatus {id}: no status");
        if (status.Id != id) throw new RuntimeAnswerException($"PodSandboxStatus {id}: answered for another sandbox, {status.Id}");
        var (netns, pid) = CriVerboseInfo.Parse(answer.Info);
        return new CriSandbox(id, status.Metadata?.Name, status.Metadata?.Namespace, status.State == PodSandboxState.SandboxReady,
            StateName(status.State), netns, pid);
    }

    /// <summary>StopPodSandbox: the runtime stops the sandbox and runs its own CNI DEL (idempotent).</summary>
    public async Task StopAsync(string id, CancellationToken cancellationToken) =>
        await _client.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }, Call(cancellationToken)).ResponseAsync.ConfigureAwait(false);

    /// <summary>RemovePodSandbox (idempotent).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        await _client.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id }, Call(cancellationToken)).ResponseAsync.ConfigureAwait(false);

    /// <summary>The CRI enum's names, as crictl prints them.</summary>
    public static string StateName(PodSandboxState state) => state switch
    {
        PodSandboxState.SandboxReady => "SANDBOX_READY",
        PodSandboxState.SandboxNotready => "SANDBOX_NOTREADY",
        _ => $"UNKNOWN({(int)state})",
    };

    private CallOptions Call(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow + _limits.CallTimeout, cancellationToken: cancellationToken);

    public void Dispose() => _channel.Dispose();
}

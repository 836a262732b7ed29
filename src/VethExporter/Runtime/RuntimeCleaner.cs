using Grpc.Core;
using VethExporter.Runtime.Cri;

namespace VethExporter.Runtime;

/// <summary>What the runtime was asked and answered, step by step (for the audit); <see cref="Error"/> when it did not finish.</summary>
public sealed record RuntimeCleanupOutcome(bool Done, string? Error, IReadOnlyList<string> Steps);

/// <summary>
/// runtime_cleanup (ARCHITECTURE §7): asks the runtime that owns a sandbox to stop and remove it, so that it runs its
/// own network teardown (podman and CRI runtimes their CNI DEL, dockerd its libnetwork cleanup) and forgets it. The
/// caller has verified the target from the kernel; this only talks to the runtime, and never to another socket than
/// the one the sandbox was listed on.
/// </summary>
/// <param name="procfs">The host's procfs (--path.procfs): whether the runtime's pid for a sandbox is alive.</param>
public sealed class RuntimeCleaner(RuntimeLimits limits, string procfs = "/proc")
{
    /// <summary>
    /// Asks the runtime about the sandbox again, right before cleaning it: null when it says what the scan heard
    /// (same state, same netns path) and no process of its pid is alive; else what changed, or why we cannot tell.
    /// A container restarted under its restart policy keeps its id: this is where it is told apart.
    /// </summary>
    public async Task<string?> ChangedAsync(RuntimeSandbox sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(RuntimeLimits.Default.Budget);
        var quick = RuntimeLimits.Default;
        try
        {
            string? state, netns;
            bool running;
            int? pid;
            if (sandbox.Runtime is RuntimeNames.Containerd or RuntimeNames.CriO)
            {
                using var cri = new CriRuntimeClient(sandbox.Socket, quick);
                if (await cri.StatusAsync(sandbox.SandboxId, budget.Token).ConfigureAwait(false) is not { } now) return "the runtime no longer lists it";
                (state, running, netns, pid) = (now.State, now.Ready, now.NetnsPath, now.Pid);
            }
            else
            {
                using var docker = new DockerEngineClient(sandbox.Socket, quick);
                if (await docker.InspectAsync(sandbox.SandboxId, budget.Token).ConfigureAwait(false) is not { } now) return "the runtime no longer lists it";
                (state, running, netns, pid) = (now.Status, now.Running, now.SandboxKey, now.Pid);
            }
            if (state != sandbox.State || running != sandbox.Running || !SamePath(netns, sandbox.NetnsPath))
                return $"the runtime now says {state} at {netns ?? "no netns"}, the scan heard {sandbox.State} at {sandbox.NetnsPath ?? "no netns"}";
            if (pid is int p && Alive(p)) return $"its pid {p} is alive";
            return null;
        }
        catch (Exception e) when (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"{sandbox.Runtime} did not answer within {RuntimeLimits.Default.Budget.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is RuntimeAnswerException or TimeoutException or RpcException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return $"{sandbox.Runtime} cannot be asked: {DockerJson.Shorten(e.Message.ReplaceLineEndings(" "))}";
        }
    }

    private static bool SamePath(string? a, string? b) =>
        (a is null || b is null) ? a == b : SandboxNetnsJoin.NormalizePath(a) == SandboxNetnsJoin.NormalizePath(b);

    /// <summary>A task of that pid exists and is not a zombie (a zombie holds no namespace).</summary>
    private bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"{procfs}/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Stop waits this long for a process to exit; there is none in an orphan's namespace, so it is short.</summary>
    public const int StopGraceSeconds = 2;

    /// <summary>Limits for cleanup calls: a stop may take the grace period and the runtime's teardown.</summary>
    public static RuntimeLimits DefaultLimits { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));

    public async Task<RuntimeCleanupOutcome> StopAndRemoveAsync(RuntimeSandbox sandbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        var steps = new List<string>();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limits.Budget);
        try
        {
            if (sandbox.Runtime is RuntimeNames.Containerd or RuntimeNames.CriO)
            {
                using var cri = new CriRuntimeClient(sandbox.Socket, limits);
                await cri.StopAsync(sandbox.SandboxId, budget.Token).ConfigureAwait(false);
                steps.Add($"{sandbox.Runtime}: StopPodSandbox {sandbox.SandboxId}: ok");
                await cri.RemoveAsync(sandbox.SandboxId, budget.Token).ConfigureAwait(false);
                steps.Add($"{sandbox.Runtime}: RemovePodSandbox {sandbox.SandboxId}: ok");
            }
            else
            {
                using var docker = new DockerEngineClient(sandbox.Socket, limits);
                bool stopped = await docker.StopAsync(sandbox.SandboxId, StopGraceSeconds, budget.Token).ConfigureAwait(false);
                steps.Add($"{sandbox.Runtime}: stop {sandbox.SandboxId}: {(stopped ? "stopped" : "was not running")}");
                bool removed = await docker.RemoveAsync(sandbox.SandboxId, budget.Token).ConfigureAwait(false);
                steps.Add($"{sandbox.Runtime}: remove {sandbox.SandboxId}: {(removed ? "removed" : "already gone")}");
            }
            return new RuntimeCleanupOutcome(true, null, steps);
        }
        catch (Exception e) when (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Failed(steps, $"{sandbox.Runtime} did not finish within {limits.Budget.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is RuntimeAnswerException or TimeoutException or RpcException or HttpRequestException or IOException
            or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            string why = e is RpcException rpc ? $"gRPC {rpc.StatusCode}: {DockerJson.Shorten(rpc.Status.Detail.ReplaceLineEndings(" "))}"
                : DockerJson.Shorten(e.Message.ReplaceLineEndings(" "));
            return Failed(steps, $"{sandbox.Runtime} refused or failed the cleanup: {why}");
        }
    }

    private static RuntimeCleanupOutcome Failed(List<string> steps, string error)
    {
        steps.Add(error);
        return new RuntimeCleanupOutcome(false, error, steps);
    }
}

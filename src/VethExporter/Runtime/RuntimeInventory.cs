namespace VethExporter.Runtime;

/// <summary>
/// One sandbox as its runtime describes it. For Docker and podman a sandbox is a container (<see cref="SandboxId"/>
/// the full container id, <see cref="Running"/> its State.Running); for CRI runtimes a pod sandbox
/// (<see cref="SandboxId"/> the CRI sandbox id, <see cref="Running"/> state SANDBOX_READY).
/// </summary>
/// <param name="Runtime"><c>docker</c>, <c>podman</c>, <c>containerd</c> or <c>cri-o</c>.</param>
/// <param name="ContainerName">Docker/podman: the container's name without its leading slash; CRI: the pod name.</param>
/// <param name="State">The runtime's own word: Docker's State.Status (<c>running</c>, <c>exited</c>, …), CRI's <c>SANDBOX_READY</c> / <c>SANDBOX_NOTREADY</c>.</param>
/// <param name="Running">Docker/podman: State.Running; CRI: ready.</param>
/// <param name="NetnsPath">Docker: NetworkSettings.SandboxKey; CRI: the network namespace path of the verbose status; null when the runtime names none.</param>
/// <param name="Pid">The runtime's pid for it (Docker State.Pid, CRI verbose info pid); null when it gives none or 0.</param>
/// <param name="Socket">The socket it was read from.</param>
public sealed record RuntimeSandbox(
    string Runtime,
    string SandboxId,
    string? ContainerName,
    string State,
    bool Running,
    string? NetnsPath,
    string? PodNamespace,
    string? PodName,
    int? Pid,
    string Socket);

/// <summary>
/// How one runtime socket answered this scan. <see cref="Up"/>: it answered its version call. <see cref="Error"/>:
/// why the list is incomplete (not up, or up but an answer could not be used); a status with an error contributes
/// no sandbox, and its absence of a sandbox proves nothing.
/// </summary>
/// <param name="Version">What the runtime says it is (e.g. <c>4.3.1</c>), when it answered.</param>
public sealed record RuntimeStatus(string Name, string Socket, bool Up, string? Error, string? Version = null)
{
    /// <summary>
    /// The process serving the socket, as the kernel says (SO_PEERCRED): podman's service keeps the namespaces of
    /// the containers it was asked about open for a while, and such an fd is the runtime's, not a workload's.
    /// </summary>
    public int? ServerPid { get; init; }

    /// <summary>Up, and every sandbox it has is in the inventory.</summary>
    public bool Complete => Up && Error is null;
}

/// <summary>What the runtimes said in one scan: every sandbox of every complete runtime, and each socket's status.</summary>
public sealed record RuntimeInventory(IReadOnlyList<RuntimeSandbox> Sandboxes, IReadOnlyList<RuntimeStatus> Statuses)
{
    public static RuntimeInventory Empty { get; } = new([], []);
}

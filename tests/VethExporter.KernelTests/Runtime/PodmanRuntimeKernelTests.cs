using VethExporter.Interop;
using VethExporter.KernelTests.Support;
using VethExporter.Runtime;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// podman 4's Docker-compatible API, for real: a live container is listed running with its netns pin, and the pin's
/// inode joins the container process's netns; after conmon and the container process are killed, the API still says
/// running — the leak only the kernel sees.
/// </summary>
public sealed class PodmanRuntimeKernelTests
{
    private static RuntimeEndpoints Endpoints(string socket) => new([new RuntimeEndpoint(RuntimeApi.DockerEngine, socket, Configured: true)]);

    private static readonly RuntimeLimits Limits = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    /// <summary>Gone, or a zombie nobody reaped yet (a zombie holds no namespace).</summary>
    private static bool Dead(int pid) => ProcInfo.State(pid) is null or 'Z';

    [SkippableFact]
    public async Task A_live_container_joins_its_netns_and_stays_running_in_the_api_after_conmon_and_its_process_die()
    {
        using var host = new FakeHost();
        using var podman = new PodmanRuntime(host);
        string id = podman.Run("live");

        var inventory = await RuntimeCollector.CollectAsync(Endpoints(podman.ApiSocket), Limits, CancellationToken.None);
        var status = Assert.Single(inventory.Statuses);
        Assert.True(status.Complete, status.Error);
        Assert.Equal(("podman", podman.ApiSocket), (status.Name, status.Socket));
        Assert.StartsWith("4.", status.Version, StringComparison.Ordinal);
        var sandbox = Assert.Single(inventory.Sandboxes, s => s.SandboxId == id);
        Assert.Equal(("podman", "running", true), (sandbox.Runtime, sandbox.State, sandbox.Running));
        Assert.StartsWith("live-", sandbox.ContainerName, StringComparison.Ordinal);
        Assert.Matches("^/run/netns/netns-[0-9a-f-]{36}$", sandbox.NetnsPath);
        int pid = Assert.IsType<int>(sandbox.Pid);

        Assert.Equal(0, PosixFile.Stat($"/proc/{pid}/ns/net", out _, out ulong processNetns));
        var stats = NetnsInodes.Stat(inventory);
        Assert.Equal(processNetns, stats[sandbox.NetnsPath!].Inode);
        var joined = SandboxNetnsJoin.ByInode(inventory, NetnsInodes.InodesOf(stats));
        Assert.Equal([id], joined[processNetns].Select(s => s.SandboxId));

        // The leak: conmon first (so nobody reports the exit), then the container's process.
        int conmon = podman.ConmonPid(id);
        Assert.True(Tools.TryRun("kill", "-9", conmon.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await Eventually.TrueAsync(() => Dead(conmon)), "conmon still alive");
        Assert.True(Tools.TryRun("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await Eventually.TrueAsync(() => Dead(pid)), "the container's process still alive");

        var after = await RuntimeCollector.CollectAsync(Endpoints(podman.ApiSocket), Limits, CancellationToken.None);
        Assert.True(after.Statuses.Single().Complete, after.Statuses.Single().Error);
        var leaked = Assert.Single(after.Sandboxes, s => s.SandboxId == id);
        Assert.Equal(("running", true, pid, sandbox.NetnsPath), (leaked.State, leaked.Running, leaked.Pid, leaked.NetnsPath));
        // The pin outlives every process: the same namespace, still joined by inode.
        var afterStats = NetnsInodes.Stat(after);
        Assert.Equal(processNetns, afterStats[leaked.NetnsPath!].Inode);
    }

    [SkippableFact]
    public async Task Stop_and_remove_through_the_api_run_podmans_own_cleanup()
    {
        using var host = new FakeHost();
        using var podman = new PodmanRuntime(host);
        string id = podman.Run("gone");
        var inventory = await RuntimeCollector.CollectAsync(Endpoints(podman.ApiSocket), Limits, CancellationToken.None);
        string netns = inventory.Sandboxes.Single(s => s.SandboxId == id).NetnsPath!;
        Assert.True(File.Exists(netns));

        using var client = new DockerEngineClient(podman.ApiSocket, Limits);
        Assert.True(await client.StopAsync(id, 0, CancellationToken.None));
        Assert.False(await client.StopAsync(id, 0, CancellationToken.None));
        var stopped = await client.InspectAsync(id, CancellationToken.None);
        Assert.Equal(("exited", false), (stopped!.Status, stopped.Running));
        Assert.False(File.Exists(netns), "podman's stop releases the netns pin (its CNI DEL ran)");
        Assert.True(await client.RemoveAsync(id, CancellationToken.None));
        Assert.False(await client.RemoveAsync(id, CancellationToken.None));
        Assert.Null(await client.InspectAsync(id, CancellationToken.None));
        Assert.False(File.Exists($"/var/lib/cni/results/{podman.Network}-{id}-eth0"));
    }
}

using VethExporter.Interop;
using VethExporter.KernelTests.Support;
using VethExporter.Runtime;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// dockerd's Engine API, for real: a live container with its SandboxKey pin, joined by inode (the pin read through
/// dockerd's own mount namespace, where it lives); with dockerd killed and then the container's process, the socket
/// it leaves refuses: down, with the reason (what becomes runtime_unreachable).
/// </summary>
public sealed class DockerdRuntimeKernelTests
{
    private static RuntimeEndpoints Endpoints(string socket) => new([new RuntimeEndpoint(RuntimeApi.DockerEngine, socket, Configured: true)]);

    private static readonly RuntimeLimits Limits = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    [SkippableFact]
    public async Task A_live_container_joins_its_netns_and_a_killed_dockerd_leaves_a_socket_that_is_down()
    {
        using var host = new FakeHost();
        using var dockerd = new DockerdRuntime(host);
        string id = dockerd.Run("live");

        var inventory = await RuntimeCollector.CollectAsync(Endpoints(dockerd.Socket), Limits, CancellationToken.None);
        var status = inventory.Statuses.Single();
        Assert.True(status.Complete, status.Error);
        Assert.Equal("docker", status.Name);
        Assert.StartsWith("20.", status.Version, StringComparison.Ordinal);
        var sandbox = Assert.Single(inventory.Sandboxes);
        Assert.Equal(("docker", id, "running", true), (sandbox.Runtime, sandbox.SandboxId, sandbox.State, sandbox.Running));
        Assert.StartsWith("live-", sandbox.ContainerName, StringComparison.Ordinal);
        Assert.Matches($"^{dockerd.Root}/exec/netns/[0-9a-f]{{12}}$", sandbox.NetnsPath);
        int pid = Assert.IsType<int>(sandbox.Pid);

        // From our mount namespace the pin is a plain file; in dockerd's it is the container's netns.
        Assert.Equal(NetnsInodes.PlainFile, NetnsInodes.Stat(inventory)[sandbox.NetnsPath!].Problem);
        Assert.Equal(0, PosixFile.Stat($"/proc/{pid}/ns/net", out _, out ulong netns));
        Assert.Equal(0, PosixFile.Stat($"/proc/{dockerd.DockerdPid}/root{sandbox.NetnsPath}", out _, out ulong pinned));
        Assert.Equal(netns, pinned);
        var joined = SandboxNetnsJoin.ByInode(inventory, new Dictionary<string, ulong> { [sandbox.NetnsPath!] = pinned });
        Assert.Equal([id], joined[netns].Select(s => s.SandboxId));

        // The leak: dockerd (and the containerd it manages) killed, then the container's process; the shim keeps the pin.
        Tools.Run("kill", "-9", dockerd.DockerdPid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        dockerd.Launcher.WaitForExit(5000);
        Tools.Run("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(File.Exists(dockerd.Socket), "a killed dockerd leaves its socket behind");
        var after = await RuntimeCollector.CollectAsync(Endpoints(dockerd.Socket), Limits, CancellationToken.None);
        var down = after.Statuses.Single();
        Assert.Equal(("docker", false), (down.Name, down.Up));
        Assert.Equal("/version: cannot connect: ConnectionRefused (Connection refused)", down.Error);
        Assert.Empty(after.Sandboxes);
    }
}

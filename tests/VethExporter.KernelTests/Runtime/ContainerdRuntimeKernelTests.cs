using System.Diagnostics;
using VethExporter.Interop;
using VethExporter.KernelTests.Support;
using VethExporter.Runtime;
using VethExporter.Runtime.Cri;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// The CRI client against the real containerd (its CRI plugin), in a fake host's namespace: the wire format of our
/// own proto over its unix socket, a real sandbox's readiness, netns pin and pid, the join by inode, what containerd
/// says once the sandbox's shim and process are killed, its own cleanup, and how a frozen or dead containerd looks.
/// </summary>
public sealed class ContainerdRuntimeKernelTests
{
    private static RuntimeEndpoints Endpoints(string socket) => new([new RuntimeEndpoint(RuntimeApi.Cri, socket, Configured: true)]);

    private static readonly RuntimeLimits Limits = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

    private static async Task<RuntimeInventory> CollectWhenServingAsync(string socket)
    {
        RuntimeInventory inventory = RuntimeInventory.Empty;
        // The CRI plugin starts serving a moment after the socket appears.
        bool complete = await Eventually.TrueAsync(() =>
        {
            inventory = RuntimeCollector.CollectAsync(Endpoints(socket), Limits, CancellationToken.None).GetAwaiter().GetResult();
            return inventory.Statuses.Single().Complete;
        }, TimeSpan.FromSeconds(20));
        Assert.True(complete, inventory.Statuses.SingleOrDefault()?.Error);
        return inventory;
    }

    [SkippableFact]
    public async Task A_frozen_or_killed_containerd_is_down_within_the_budget()
    {
        using var host = new FakeHost();
        using var containerd = new ContainerdRuntime(host);
        var inventory = await CollectWhenServingAsync(containerd.Socket);
        var status = inventory.Statuses.Single();
        Assert.Equal(("containerd", containerd.Socket), (status.Name, status.Socket));
        Assert.StartsWith("1.", status.Version, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);

        var tight = new RuntimeLimits(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));
        string pid = containerd.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Tools.Run("kill", "-STOP", pid);
        var watch = Stopwatch.StartNew();
        var frozen = (await RuntimeCollector.CollectAsync(Endpoints(containerd.Socket), tight, CancellationToken.None)).Statuses.Single();
        watch.Stop();
        Tools.Run("kill", "-CONT", pid);
        Assert.False(frozen.Up);
        Assert.StartsWith("Version: gRPC DeadlineExceeded", frozen.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));

        Tools.Run("kill", "-KILL", pid);
        containerd.Process.WaitForExit(5000);
        Assert.True(File.Exists(containerd.Socket), "a killed containerd leaves its socket behind");
        var dead = (await RuntimeCollector.CollectAsync(Endpoints(containerd.Socket), tight, CancellationToken.None)).Statuses.Single();
        Assert.False(dead.Up);
        Assert.StartsWith("Version: gRPC Unavailable", dead.Error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_ready_sandbox_joins_its_netns_turns_not_ready_when_its_shim_and_process_die_and_containerd_cleans_it_up()
    {
        using var host = new FakeHost();
        using var containerd = new ContainerdRuntime(host);
        await CollectWhenServingAsync(containerd.Socket);
        containerd.ImportSandboxImage();
        string id = await containerd.RunSandboxAsync("web-1");

        var inventory = await RuntimeCollector.CollectAsync(Endpoints(containerd.Socket), Limits, CancellationToken.None);
        Assert.True(inventory.Statuses.Single().Complete, inventory.Statuses.Single().Error);
        var sandbox = Assert.Single(inventory.Sandboxes);
        Assert.Equal(("containerd", id, "SANDBOX_READY", true, "vxt", "web-1"),
            (sandbox.Runtime, sandbox.SandboxId, sandbox.State, sandbox.Running, sandbox.PodNamespace, sandbox.PodName));
        Assert.Matches("^/var/run/netns/cni-[0-9a-f-]{36}$", sandbox.NetnsPath);
        containerd.Pins.Add(sandbox.NetnsPath!);
        int pid = Assert.IsType<int>(sandbox.Pid);
        Assert.Equal(0, PosixFile.Stat($"/proc/{pid}/ns/net", out _, out ulong netns));
        var stats = NetnsInodes.Stat(inventory);
        Assert.Equal(netns, stats[sandbox.NetnsPath!].Inode);
        Assert.Equal([id], SandboxNetnsJoin.ByInode(inventory, NetnsInodes.InodesOf(stats))[netns].Select(s => s.SandboxId));

        // The shim first, then the sandbox's process: containerd notices and calls the sandbox not ready; the pin stays.
        string shim = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains("containerd-shim", File.ReadAllText($"/proc/{shim}/cmdline"), StringComparison.Ordinal);
        Tools.Run("kill", "-9", shim);
        Tools.Run("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        RuntimeSandbox? after = null;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            after = RuntimeCollector.CollectAsync(Endpoints(containerd.Socket), Limits, CancellationToken.None).GetAwaiter().GetResult().Sandboxes.SingleOrDefault();
            return after is { Running: false };
        }, TimeSpan.FromSeconds(15)), $"containerd still says {after}");
        Assert.Equal(("SANDBOX_NOTREADY", sandbox.NetnsPath, (int?)null), (after!.State, after.NetnsPath, after.Pid));
        Assert.Equal(netns, NetnsInodes.Stat(new RuntimeInventory([after], []))[after.NetnsPath!].Inode);

        using var client = new CriRuntimeClient(containerd.Socket, Limits);
        await client.StopAsync(id, CancellationToken.None);
        Assert.False(File.Exists(after.NetnsPath), "StopPodSandbox ran containerd's CNI DEL and released the pin");
        await client.RemoveAsync(id, CancellationToken.None);
        await client.RemoveAsync(id, CancellationToken.None); // idempotent
        Assert.Null(await client.StatusAsync(id, CancellationToken.None));
        Assert.Empty((await RuntimeCollector.CollectAsync(Endpoints(containerd.Socket), Limits, CancellationToken.None)).Sandboxes);
    }
}

using System.Diagnostics;
using VethExporter.KernelTests.Support;
using VethExporter.Runtime;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// The CRI client against the real containerd (its CRI plugin), run in a fake host's namespace with every root
/// under a temp dir: the gRPC wire format of our own proto, HTTP/2 over its unix socket, and how a frozen or dead
/// containerd looks (down, with the reason, within the budget: what becomes runtime_unreachable).
/// </summary>
public sealed class ContainerdRuntimeKernelTests
{
    private static RuntimeEndpoints Endpoints(string socket) => new([new RuntimeEndpoint(RuntimeApi.Cri, socket, Configured: true)]);

    [SkippableFact]
    public async Task Containerd_answers_version_and_its_sandbox_list_and_a_frozen_or_killed_containerd_is_down_within_the_budget()
    {
        Skip.If(Tools.Find("containerd") is null, "needs containerd (Debian package containerd)");
        var host = new FakeHost();
        var root = Directory.CreateTempSubdirectory("vxt-containerd-");
        try
        {
            string socket = Path.Combine(root.FullName, "containerd.sock");
            Directory.CreateDirectory(Path.Combine(root.FullName, "net.d"));
            File.WriteAllText(Path.Combine(root.FullName, "config.toml"), $"""
                version = 2
                root = "{root.FullName}/root"
                state = "{root.FullName}/state"
                [grpc]
                  address = "{socket}"
                [ttrpc]
                  address = "{socket}.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "{root.FullName}/opt"
                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/usr/lib/cni"
                  conf_dir = "{root.FullName}/net.d"
                """);
            var containerd = host.Start("nsenter", $"--net={host.NetnsPath}", "containerd", "--config", Path.Combine(root.FullName, "config.toml"));
            Assert.True(await Eventually.TrueAsync(() => File.Exists(socket) || containerd.HasExited, TimeSpan.FromSeconds(20)), "containerd made no socket");
            Assert.False(containerd.HasExited, "containerd exited");

            var limits = new RuntimeLimits(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
            RuntimeInventory inventory = RuntimeInventory.Empty;
            // The CRI plugin starts serving a moment after the socket appears.
            Assert.True(await Eventually.TrueAsync(() =>
            {
                inventory = RuntimeCollector.CollectAsync(Endpoints(socket), limits, CancellationToken.None).GetAwaiter().GetResult();
                return inventory.Statuses.Single().Complete;
            }, TimeSpan.FromSeconds(20)), inventory.Statuses.SingleOrDefault()?.Error);
            var status = inventory.Statuses.Single();
            Assert.Equal(("containerd", socket), (status.Name, status.Socket));
            Assert.StartsWith("1.", status.Version, StringComparison.Ordinal);
            Assert.Empty(inventory.Sandboxes);

            var tight = new RuntimeLimits(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));
            string pid = containerd.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Tools.Run("kill", "-STOP", pid);
            var watch = Stopwatch.StartNew();
            var frozen = (await RuntimeCollector.CollectAsync(Endpoints(socket), tight, CancellationToken.None)).Statuses.Single();
            watch.Stop();
            Tools.Run("kill", "-CONT", pid);
            Assert.False(frozen.Up);
            Assert.StartsWith("Version: gRPC DeadlineExceeded", frozen.Error, StringComparison.Ordinal);
            Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));

            Tools.Run("kill", "-KILL", pid);
            containerd.WaitForExit(5000);
            Assert.True(File.Exists(socket), "a killed containerd leaves its socket behind");
            var dead = (await RuntimeCollector.CollectAsync(Endpoints(socket), tight, CancellationToken.None)).Statuses.Single();
            Assert.False(dead.Up);
            Assert.StartsWith("Version: gRPC Unavailable", dead.Error, StringComparison.Ordinal);
        }
        finally
        {
            host.Dispose(); // kills containerd before its roots go

            root.Delete(recursive: true);
        }
    }
}

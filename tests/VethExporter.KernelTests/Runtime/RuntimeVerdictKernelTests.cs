using System.Globalization;
using System.Net.Sockets;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Runtime;
using VethExporter.Runtime.Cri;
using VethExporter.Scanning;
using VethExporter.TestSupport;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// ARCHITECTURE §7 on a real kernel with real runtimes: the verdicts a scan draws with each runtime's word — dockerd's
/// identity on its leak, its death blocking what it could own, its restart cleaning its own, containerd's not-ready sandbox the runtime's to
/// clean and never ours to delete, a ready CRI sandbox without a process in use. CRI-O is not packaged for Debian 12,
/// so its way (a ready pod without an infra process) is played by a CRI server of the tests' own over a real pin.
/// </summary>
public sealed class RuntimeVerdictKernelTests
{
    private static Scanner OpenScanner(FakeHost host, RuntimeEndpoints runtimes) =>
        new(new ScannerOptions(new KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default with { DetachBridged = true })
        {
            Runtime = runtimes,
            RuntimeLimits = new RuntimeLimits(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)),
        });

    private static RuntimeEndpoints Docker(string socket) => RuntimeEndpoints.FromFlags([socket], []);

    private static RuntimeEndpoints Cri(string socket) => RuntimeEndpoints.FromFlags([], [socket]);

    private static VethVerdict ClaimedBy(ScanResult scan, string sandboxId) =>
        Assert.Single(scan.Verdicts, v => v.Runtime?.SandboxId == sandboxId);

    [SkippableFact]
    public async Task A_dockerd_leak_carries_its_identity_a_dead_dockerd_blocks_every_orphan_and_a_restarted_one_cleans_its_own()
    {
        using var host = new FakeHost();
        using var dockerd = new DockerdRuntime(host);
        string live = dockerd.Run("live");
        string leak = dockerd.Run("leak");
        using var scanner = OpenScanner(host, Docker(dockerd.Socket));

        var first = await scanner.ScanAsync();
        Assert.True(first.Runtime.Statuses.Single().Complete, first.Runtime.Statuses.Single().Error);
        var liveVeth = ClaimedBy(first, live);
        Assert.Equal((VethStates.InUse, Reasons.Process, "docker", "running"), (liveVeth.State, liveVeth.Reason, liveVeth.Runtime!.Runtime, liveVeth.Runtime.State));
        Assert.StartsWith("live-", liveVeth.Runtime.ContainerName, StringComparison.Ordinal);

        // The leak dockerd never notices: its shim frozen, so nobody reports the exit of the process it kills.
        int pid = int.Parse(dockerd.Docker("inspect", "-f", "{{.State.Pid}}", leak), CultureInfo.InvariantCulture);
        string shim = ProcInfo.ParentOf(pid).ToString(CultureInfo.InvariantCulture);
        Assert.Contains("containerd-shim", File.ReadAllText($"/proc/{shim}/cmdline"), StringComparison.Ordinal);
        Tools.Run("kill", "-STOP", shim);
        try
        {
            Tools.Run("kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
            Assert.True(await Eventually.TrueAsync(() => ProcInfo.State(pid) is null or 'Z'), "the container's process still alive");
            var leaked = ClaimedBy(await scanner.ScanAsync(), leak);
            Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess), (leaked.State, leaked.Reason));
            Assert.Equal(("docker", leak, "running"), (leaked.Runtime!.Runtime, leaked.Runtime.SandboxId, leaked.Runtime.State));
            Assert.StartsWith("leak-", leaked.Runtime.ContainerName, StringComparison.Ordinal);
            // dockerd's pin lives in its own mount namespace: joined there, by the inode the kernel inventory found.
            Assert.Contains(leaked.Peer.Mounts, m => m.EndsWith("/exec/netns/" + leaked.Runtime.NetnsPath!.Split('/')[^1], StringComparison.Ordinal));
            Assert.Contains(Blockers.RuntimeOwned, leaked.Blockers);
            Assert.False(leaked.Deletable);

            // dockerd dies: its socket stays and refuses. Its sandboxes are unknown now, so every orphan is in doubt.
            Tools.Run("kill", "-9", dockerd.DockerdPid.ToString(CultureInfo.InvariantCulture));
            dockerd.Launcher.WaitForExit(5000);
            string other = host.AddNamespace("other");
            host.AddVeth("vethnobody", other);
            var blind = await scanner.ScanAsync();
            var status = blind.Runtime.Statuses.Single();
            Assert.Equal(("docker", false), (status.Name, status.Up));
            var orphans = blind.Verdicts.Where(v => v.IsOrphan).ToList();
            Assert.Contains(orphans, v => v.Link.Name == "vethnobody");
            Assert.All(orphans, v => Assert.Contains(Blockers.RuntimeUnreachable, v.Blockers));
            Assert.All(orphans, v => Assert.Null(v.Runtime));
            Assert.Contains(blind.Limitations, l => l.StartsWith($"runtime docker at {dockerd.Socket} did not answer fully", StringComparison.Ordinal));

            // dockerd restarted (the shim thawed): it answers again, and what it says of the leak decides.
            Tools.Run("kill", "-CONT", shim);
            dockerd.Restart();
            ScanResult? again = null;
            Assert.True(await Eventually.TrueAsync(() =>
            {
                again = scanner.ScanAsync().GetAwaiter().GetResult();
                return again.Runtime.Statuses.Single().Complete;
            }, TimeSpan.FromSeconds(30)), $"the restarted dockerd does not answer: {again?.Runtime.Statuses.Single().Error}; exited {dockerd.Launcher.HasExited}: {(dockerd.Launcher.HasExited ? dockerd.Launcher.StandardError.ReadToEnd() : "")}");
            // Restarted without live-restore, dockerd cleans up after itself: both containers exited, their shims, pins
            // and veths gone; no orphan is left, and none is blocked any more.
            Assert.Equal("exited", dockerd.Docker("inspect", "-f", "{{.State.Status}}", leak));
            Assert.Equal("exited", dockerd.Docker("inspect", "-f", "{{.State.Status}}", live));
            Assert.True(await Eventually.TrueAsync(() =>
                !scanner.ScanAsync().GetAwaiter().GetResult().Verdicts.Any(v => v.Link.Name == leaked.Link.Name || v.Link.Name == liveVeth.Link.Name)),
                "dockerd's containers kept their veths after its restart");
            var clean = await scanner.ScanAsync();
            Assert.All(clean.Verdicts.Where(v => v.IsOrphan), v => Assert.DoesNotContain(Blockers.RuntimeUnreachable, v.Blockers));
            Assert.DoesNotContain(clean.Limitations, l => l.Contains("(runtime_unreachable)", StringComparison.Ordinal));
        }
        finally
        {
            Tools.TryRun("kill", "-CONT", shim);
        }
    }

    [SkippableFact]
    public async Task A_containerd_sandbox_whose_pause_died_is_the_runtimes_to_clean_never_ours_to_delete()
    {
        using var host = new FakeHost();
        using var containerd = new ContainerdRuntime(host);
        using var scanner = OpenScanner(host, Cri(containerd.Socket));
        Assert.True(await Eventually.TrueAsync(() => scanner.ScanAsync().GetAwaiter().GetResult().Runtime.Statuses.Single().Complete, TimeSpan.FromSeconds(20)),
            "containerd's CRI plugin never answered");
        containerd.ImportSandboxImage();
        string id = await containerd.RunSandboxAsync("web-1");

        var ready = ClaimedBy(await scanner.ScanAsync(), id);
        Assert.Equal((VethStates.InUse, Reasons.Process), (ready.State, ready.Reason));
        Assert.Equal(("containerd", "SANDBOX_READY", "vxt", "web-1"), (ready.Runtime!.Runtime, ready.Runtime.State, ready.Runtime.PodNamespace, ready.Runtime.PodName));
        containerd.Pins.Add(ready.Runtime.NetnsPath!);

        int pid = ready.Peer.Processes.Single();
        string shim = ProcInfo.ParentOf(pid).ToString(CultureInfo.InvariantCulture);
        Tools.Run("kill", "-9", shim);
        Tools.Run("kill", "-9", pid.ToString(CultureInfo.InvariantCulture));
        VethVerdict? notReady = null;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            notReady = scanner.ScanAsync().GetAwaiter().GetResult().Verdicts.SingleOrDefault(v => v.Runtime?.SandboxId == id);
            return notReady is { Runtime.Running: false };
        }, TimeSpan.FromSeconds(15)), $"containerd still says {notReady?.Runtime}");
        Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess, "SANDBOX_NOTREADY"), (notReady!.State, notReady.Reason, notReady.Runtime!.State));
        Assert.Equal([Blockers.RuntimeOwned], notReady.Blockers);
        Assert.False(notReady.Deletable);
    }

    [SkippableFact]
    public async Task A_ready_cri_sandbox_without_a_process_is_in_use_and_an_unusable_socket_is_doubt()
    {
        using var host = new FakeHost();
        string pod = host.AddNamespace("pod");
        host.AddVeth("vethcrio", pod);
        string pin = $"/run/netns/{pod}";
        string dir = Directory.CreateTempSubdirectory("vxt-cri-").FullName;
        try
        {
            // What CRI-O says of a pod whose only container waits on an image pull: ready, its netns pinned, no infra process.
            await using var crio = await FakeCriServer.StartAsync(Path.Combine(dir, "crio.sock"), (method, message) => method switch
            {
                "Version" => new CriReply(new VersionResponse { Version = "0.1.0", RuntimeName = "cri-o", RuntimeVersion = "1.28.1", RuntimeApiVersion = "v1" }),
                "ListPodSandbox" => new CriReply(new ListPodSandboxResponse
                {
                    Items = { new PodSandbox { Id = "pod1", State = PodSandboxState.SandboxReady, Metadata = new PodSandboxMetadata { Name = "web-1", Namespace = "shop", Uid = "u1" } } },
                }),
                "PodSandboxStatus" => new CriReply(Status("pod1", pin)),
                _ => new CriReply(GrpcStatus: 12),
            });

            using (var scanner = OpenScanner(host, Cri(crio.Path)))
            {
                var scan = await scanner.ScanAsync();
                Assert.True(scan.Runtime.Statuses.Single().Complete, scan.Runtime.Statuses.Single().Error);
                var verdict = Assert.Single(scan.Verdicts, v => v.Link.Name == "vethcrio");
                Assert.Equal((VethStates.InUse, Reasons.RuntimeSandbox), (verdict.State, verdict.Reason));
                Assert.Equal(("cri-o", "pod1", "shop", "web-1"), (verdict.Runtime!.Runtime, verdict.Runtime.SandboxId, verdict.Runtime.PodNamespace, verdict.Runtime.PodName));
                Assert.Equal([pin], verdict.Peer.Mounts); // kernel truth unchanged: only a pin holds it
            }

            // Without the runtime's word the same kernel facts are a deletable orphan…
            using (var scanner = OpenScanner(host, RuntimeEndpoints.FromFlags([RuntimeEndpoints.None], [])))
                Assert.True(Assert.Single((await scanner.ScanAsync()).Verdicts, v => v.Link.Name == "vethcrio").Deletable);

            // …and a configured socket that is a plain file, or that nobody listens on, makes it doubt.
            string plain = Path.Combine(dir, "plain.sock");
            File.WriteAllText(plain, "");
            string dead = Path.Combine(dir, "dead.sock");
            // Bound, never listening: what a runtime that died mid-start leaves (.NET unlinks the file when it closes).
            using var deaf = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            deaf.Bind(new UnixDomainSocketEndPoint(dead));
            using (var scanner = OpenScanner(host, RuntimeEndpoints.FromFlags([dead], [plain])))
            {
                var scan = await scanner.ScanAsync();
                Assert.Equal(["not a unix socket"], scan.Runtime.Statuses.Where(s => s.Socket == plain).Select(s => s.Error));
                Assert.StartsWith("/version: cannot connect", scan.Runtime.Statuses.Single(s => s.Socket == dead).Error, StringComparison.Ordinal);
                var verdict = Assert.Single(scan.Verdicts, v => v.Link.Name == "vethcrio");
                Assert.Equal(VethStates.Orphan, verdict.State);
                Assert.Equal([Blockers.RuntimeUnreachable], verdict.Blockers);
                Assert.Equal(2, scan.Limitations.Count(l => l.Contains("(runtime_unreachable)", StringComparison.Ordinal)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PodSandboxStatusResponse Status(string id, string netns)
    {
        var response = new PodSandboxStatusResponse
        {
            Status = new PodSandboxStatus { Id = id, State = PodSandboxState.SandboxReady, Metadata = new PodSandboxMetadata { Name = "web-1", Namespace = "shop" } },
        };
        response.Info.Add("info", "{\"pid\":0,\"runtimeSpec\":{\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"" + netns + "\"}]}}}");
        return response;
    }
}

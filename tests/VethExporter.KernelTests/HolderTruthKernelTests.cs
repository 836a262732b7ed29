using VethExporter.Classification;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests;

/// <summary>
/// Who holds a namespace, against the tricks an unprivileged user can play: a pinned namespace that a
/// process also holds open, a FIFO mounted over a pin, another namespace stacked on a pin. Each must
/// leave the verdict safe and the scan finished.
/// </summary>
[Collection(HostWideTests.Name)]
public class HolderTruthKernelTests
{
    private static readonly TimeSpan ScanBound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Pinned_namespace_held_open_by_a_process_fd_is_in_use()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethfdpin1", ctr);
        // The holder lives in the fake host, not in the container: only its fd keeps the namespace.
        var holder = host.Start("ip", "netns", "exec", host.Name, "bash", "-c", $"exec 7</run/netns/{ctr}; exec sleep 3600");
        Assert.True(await Eventually.TrueAsync(() => HoldsNamespaceFd(holder.Id)), "the holder never opened the namespace");

        var scan = await host.ScanAsync().WaitAsync(ScanBound);

        scan.AssertVerdict("vethfdpin1", VethStates.InUse, Reasons.Fd, null);
        Assert.Contains(holder.Id, scan.Verdict("vethfdpin1").Peer.Fds);
        Assert.Equal([$"/run/netns/{ctr}"], scan.Verdict("vethfdpin1").Peer.Mounts);
    }

    [SkippableTheory]
    [InlineData("leader_exited")]
    [InlineData("own_fd_table")]
    public async Task A_namespace_held_only_by_a_threads_fd_is_in_use(string how)
    {
        Skip.If(Tools.Find("python3") is null, "needs python3 to make the holder thread");
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("veththr1", ctr);
        // A thread holds the namespace open where /proc/PID/fd does not show it: after the group leader has
        // exited (a zombie leader, live thread), or in a fd table of its own (unshare(CLONE_FILES)).
        string script = $$"""
            import ctypes, os, threading, time
            libc = ctypes.CDLL(None, use_errno=True)
            def hold():
                if "{{how}}" == "own_fd_table":
                    assert libc.unshare(0x400) == 0
                fd = os.open("/run/netns/{{ctr}}", os.O_RDONLY)
                print("holding", flush=True)
                time.sleep(3600)
            threading.Thread(target=hold).start()
            time.sleep(0.5)
            if "{{how}}" == "leader_exited":
                libc.pthread_exit(None)
            time.sleep(3600)
            """;
        var holder = host.Start("python3", "-c", script);
        Assert.Equal("holding", await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.Delay(700); // past the leader's exit

        var scan = await host.ScanAsync().WaitAsync(ScanBound);

        scan.AssertVerdict("veththr1", VethStates.InUse, Reasons.Fd, null);
        Assert.Contains(holder.Id, scan.Verdict("veththr1").Peer.Fds);
    }

    [SkippableFact]
    public async Task A_fifo_mounted_over_a_pin_by_an_unprivileged_user_neither_hangs_the_scan_nor_switches_remediation_off()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethfifo1", ctr);
        // A namespace of the user's own, pinned, then covered by a FIFO: opening the pin path would block forever.
        using var user = await UnprivilegedMounts.StartAsync(
            "touch \"$D/pin\"; unshare --net mount --bind /proc/self/ns/net \"$D/pin\"; mkfifo \"$D/fifo\"; mount --bind \"$D/fifo\" \"$D/pin\"");

        var scan = await host.ScanAsync().WaitAsync(ScanBound);

        // The real orphan is found as it is. The user's namespace, whose id stays unknown, can be no veth's
        // peer (every peer id belongs to a namespace the scan identified), so it switches nothing off.
        scan.AssertVerdict("vethfifo1", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        Assert.DoesNotContain(scan.Limitations, l => l.Contains("could not be opened and verified", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task A_victims_pin_stacked_on_an_unprivileged_users_pin_fails_no_scan_and_misattributes_nothing()
    {
        using var host = new FakeHost();
        var victim = host.AddNamespace("victim");
        host.AddVeth("vethstack1", victim);
        var process = host.StartContainerProcess(victim);
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(process.Id) && File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));
        // The user's mount namespace is a copy of ours, so it has the victim's pin: it mounts that over a
        // pin of its own. Opening the user's pin path would now reach the victim's namespace, giving two
        // namespaces the victim's id.
        using var user = await UnprivilegedMounts.StartAsync(
            $"touch \"$D/pin\"; unshare --net mount --bind /proc/self/ns/net \"$D/pin\"; mount --bind /run/netns/{victim} \"$D/pin\"");

        var scan = await host.ScanAsync().WaitAsync(ScanBound);

        scan.AssertVerdict("vethstack1", VethStates.InUse, Reasons.Process, null);
        var inode = scan.Verdict("vethstack1").Peer.NetnsInode;
        Assert.Equal(StatInode($"/run/netns/{victim}"), inode);
        Assert.Single(scan.Inventory.Namespaces, n => n.Nsid == scan.Verdict("vethstack1").Peer.NetnsId);
        Assert.DoesNotContain(scan.Limitations, l => l.Contains("could not be opened and verified", StringComparison.Ordinal));
    }

    private static bool HoldsNamespaceFd(int pid) =>
        File.Exists($"/proc/{pid}/fd/7") && File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep";

    private static ulong StatInode(string path) => ulong.Parse(Tools.Run("stat", "-L", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
}

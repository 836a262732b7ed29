using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Scanning;

namespace VethExporter.KernelTests.Cni;

/// <summary>
/// Attachments as a real runtime leaves them: podman 4 on its CNI backend writes the real libcni cache (under
/// /var/lib/cni, which podman 4.3 does not let us move) and the real host-local leases. Live, leaked with its pin,
/// leaked with the pin gone too, and properly removed, told apart from the kernel; only this test's network is looked at.
/// </summary>
public sealed class PodmanAttachmentKernelTests
{
    [SkippableFact]
    public async Task Podman_s_own_cache_and_leases_are_judged_live_leaked_or_gone_by_the_kernel()
    {
        using var host = new FakeHost();
        using var podman = new PodmanRuntime(host);
        string live = podman.Run("live");
        string pinned = podman.Run("pinned");
        string unpinned = podman.Run("unpinned");
        string removed = podman.Run("removed");
        string unpinnedNetns = podman.Podman("inspect", "-f", "{{.NetworkSettings.SandboxKey}}", unpinned);
        await podman.CrashAsync(pinned);
        await podman.CrashAsync(unpinned);
        // The stealth leak: the pin goes too, so the kernel tears the namespace and its veth down.
        Assert.True(Tools.TryRun("umount", unpinnedNetns), $"umount {unpinnedNetns}");
        podman.Podman("rm", "-f", "-t", "0", removed); // a proper stop: podman runs its CNI DEL

        using var scanner = new Scanner(new ScannerOptions(new KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default)
        {
            Cni = new CniPaths(),
        });
        var scan = await scanner.ScanAsync();
        var ours = scan.Attachments.Where(a => a.Key.Network == podman.Network).ToDictionary(a => a.Key.ContainerId);

        Assert.False(ours.ContainsKey(removed), "a properly removed container left an attachment");
        Assert.Equal((AttachmentStates.Live, AttachmentReasons.Process), (ours[live].State, ours[live].Reason));
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess), (ours[pinned].State, ours[pinned].Reason));
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.NetnsGone), (ours[unpinned].State, ours[unpinned].Reason));
        foreach (var id in new[] { live, pinned, unpinned })
        {
            var a = ours[id];
            Assert.Single(a.Leases);
            Assert.NotEmpty(a.Chains); // podman's bridge network masquerades: a CNI-<hash> chain per container
            Assert.StartsWith($"/var/lib/cni/results/{podman.Network}-{id}-eth0", a.Cache!.Path, StringComparison.Ordinal);
        }
        Assert.NotNull(ours[pinned].HostInterface);
        Assert.Null(ours[unpinned].HostInterface);
        Assert.Contains(Blockers.BridgePort, ours[pinned].InterfaceVerdict!.Blockers);
    }
}

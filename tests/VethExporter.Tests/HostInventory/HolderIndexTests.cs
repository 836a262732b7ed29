using VethExporter.HostInventory;

namespace VethExporter.Tests.HostInventory;

public class HolderIndexTests
{
    private static readonly ILookup<ulong, NetnsPin> NoPins = Array.Empty<NetnsPin>().ToLookup(p => p.NetnsInode);

    [Fact]
    public void Each_namespace_gets_its_processes_pins_and_fds_by_inode()
    {
        var pins = new[] { new NetnsPin(11, "/run/netns/a", 1, "/run/netns/a", true) }.ToLookup(p => p.NetnsInode);
        var fds = new[] { new FdHolder(11, 500, 7, "/proc/500/fd/7"), new FdHolder(12, 501, 3, "/proc/501/fd/3") };
        var processes = new Dictionary<ulong, List<ProcessHolder>> { [12] = [new ProcessHolder(42, 42, 'S')] };

        var views = HolderIndex.Build(new Dictionary<ulong, int> { [12] = 1, [11] = 0, [13] = -1 }, processes, pins, fds, new Dictionary<int, List<ProcessHolder>>());

        Assert.Equal([11UL, 12UL, 13UL], views.Select(v => v.Inode!.Value));
        var pinned = views[0];
        Assert.Equal((0, 1, 1, 0), (pinned.Nsid!.Value, pinned.Pins.Count, pinned.Fds.Count, pinned.Processes.Count));
        Assert.False(pinned.PinnedWithoutProcess && pinned.Fds.Count == 0);
        Assert.Equal([42], views[1].Processes.Select(p => p.Pid));
        Assert.Null(views[2].Nsid); // no id assigned: cannot be a veth peer
    }

    [Fact]
    public void Namespaces_known_only_through_hidden_tasks_are_listed_by_id()
    {
        var hidden = new Dictionary<int, List<ProcessHolder>> { [5] = [new ProcessHolder(1, 1, 'S')], [0] = [new ProcessHolder(2, 2, 'S')] };

        var views = HolderIndex.Build(new Dictionary<ulong, int> { [11] = 0 }, new Dictionary<ulong, List<ProcessHolder>>(), NoPins, [], hidden);

        // nsid 0 is namespace 11 (its hidden tasks were merged by the caller); nsid 5 has no inode we know.
        Assert.Equal(2, views.Count);
        var byId = Assert.Single(views, v => v.Inode is null);
        Assert.Equal((5, 1), (byId.Nsid!.Value, byId.Processes[0].Pid));
    }

    [Fact]
    public void An_id_claimed_by_two_namespaces_is_counted()
    {
        var views = HolderIndex.Build(new Dictionary<ulong, int> { [11] = 3, [12] = 3, [13] = 4, [14] = -1, [15] = -1 },
            new Dictionary<ulong, List<ProcessHolder>>(), NoPins, [], new Dictionary<int, List<ProcessHolder>>());
        Assert.Equal(1, HolderIndex.SharedIds(views));
    }
}

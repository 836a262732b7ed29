using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Tests.HostInventory;

public class NsidCacheTests
{
    private static NsidCache Filled()
    {
        var cache = new NsidCache();
        cache.Replace(new Dictionary<ulong, int> { [11] = 0, [12] = 1, [13] = 2, [14] = -1 });
        return cache;
    }

    [Fact]
    public void Only_assigned_ids_are_kept()
    {
        var cache = Filled();
        Assert.Equal(3, cache.Count);
        Assert.False(cache.TryGet(14, out _));
        Assert.True(cache.TryGet(12, out int nsid) && nsid == 1);
    }

    [Fact]
    public void An_id_assigned_or_removed_since_drops_the_entry_that_had_it()
    {
        var cache = Filled();
        Assert.Equal([12UL], cache.Apply(new NsidChanges(false, new HashSet<int> { 1, 7 })));
        Assert.False(cache.TryGet(12, out _));
        Assert.True(cache.TryGet(11, out _));
    }

    [Fact]
    public void Lost_notifications_drop_everything()
    {
        var cache = Filled();
        cache.Apply(new NsidChanges(true, new HashSet<int>()));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void An_inode_not_seen_in_a_scan_is_forgotten()
    {
        var cache = Filled();
        cache.Replace(new Dictionary<ulong, int> { [11] = 0 });
        Assert.False(cache.TryGet(12, out _));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Notifications_yield_the_ids_of_new_and_deleted_namespace_ids()
    {
        // RTM_NEWNSID (88) for id 3 and RTM_DELNSID (89) for id 5 in one datagram, as RTNLGRP_NSID sends them:
        // nlmsghdr, rtgenmsg (family, padded to 4), NETNSA_NSID (type 1, s32).
        byte[] datagram = [.. Message(88, 3), .. Message(89, 5), .. Message(16, 9)];
        var ids = new HashSet<int>();
        Assert.True(NsidChanges.TryCollect(datagram, ids));
        Assert.Equal([3, 5], ids.Order());
    }

    [Fact]
    public void A_malformed_notification_is_reported_not_trusted()
    {
        var ids = new HashSet<int>();
        Assert.False(NsidChanges.TryCollect(Message(88, 3).AsSpan(0, 18), ids));
    }

    private static byte[] Message(ushort type, int nsid)
    {
        var bytes = new byte[28];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 28u);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), type);
        bytes[16] = 0; // rtgenmsg.rtgen_family (AF_UNSPEC)
        BitConverter.TryWriteBytes(bytes.AsSpan(20), (ushort)8);
        BitConverter.TryWriteBytes(bytes.AsSpan(22), (ushort)1);
        BitConverter.TryWriteBytes(bytes.AsSpan(24), nsid);
        return bytes;
    }
}

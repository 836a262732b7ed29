using VethExporter.HostInventory;

namespace VethExporter.Tests.HostInventory;

/// <summary>
/// Which pins may be opened: only one that is the top mount at its path, with no blocking filesystem
/// above it. Lines as an unprivileged user's mount namespace showed them on Linux 6.1 (see the kernel tests).
/// </summary>
public class PinReachabilityTests
{
    private const string Base = "25 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
        + "30 25 0:25 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw\n";

    [Fact]
    public void A_plain_pin_is_reachable()
    {
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(Bytes(Base + "40 30 0:4 net:[4026532290] /run/netns/a rw shared:6 - nsfs nsfs rw\n")));
        Assert.Equal(new NsfsMount(4026532290, "/run/netns/a", Reachable: true), pin);
    }

    [Fact]
    public void A_fifo_mounted_over_a_pin_makes_it_unreachable()
    {
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(Bytes(Base
            + "68 47 0:40 / /tmp/vx rw,relatime - tmpfs tmpfs rw,uid=65534,gid=65534\n"
            + "69 68 0:4 net:[4026532180] /tmp/vx/pin rw - nsfs nsfs rw\n"
            + "70 69 0:40 /fifo /tmp/vx/pin rw,relatime - tmpfs tmpfs rw,uid=65534,gid=65534\n")));
        Assert.False(pin.Reachable);
    }

    [Fact]
    public void Of_two_stacked_pins_only_the_top_one_is_reachable()
    {
        var pins = MountInfoParser.ParseNetnsPins(Bytes(Base
            + "71 70 0:4 net:[4026532249] /tmp/vx/pin rw - nsfs nsfs rw\n"
            + "72 71 0:4 net:[4026532178] /tmp/vx/pin rw - nsfs nsfs rw\n"));
        Assert.Equal(
            [new NsfsMount(4026532249, "/tmp/vx/pin", Reachable: false), new NsfsMount(4026532178, "/tmp/vx/pin", Reachable: true)],
            pins);
    }

    [Fact]
    public void A_later_mount_over_a_directory_above_the_pin_covers_it()
    {
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(Bytes(Base
            + "40 30 0:4 net:[4026532290] /run/netns/a rw - nsfs nsfs rw\n"
            + "41 30 0:50 / /run/netns rw - tmpfs tmpfs rw\n")));
        Assert.False(pin.Reachable);
    }

    [Theory]
    [InlineData("fuse.sshfs")]
    [InlineData("fuse")]
    [InlineData("autofs")]
    public void A_pin_below_a_filesystem_whose_lookups_can_block_is_not_opened(string fsType)
    {
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(Bytes(Base
            + $"41 30 0:50 / /run/user rw - {fsType} x rw\n"
            + "42 41 0:4 net:[4026532290] /run/user/pin rw - nsfs nsfs rw\n")));
        Assert.False(pin.Reachable);
    }

    [Fact]
    public void A_mount_beside_the_pin_or_below_a_sibling_path_changes_nothing()
    {
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(Bytes(Base
            + "40 30 0:4 net:[4026532290] /run/netns/a rw - nsfs nsfs rw\n"
            + "41 30 0:50 / /run/netns/ab rw - tmpfs tmpfs rw\n"
            + "42 30 0:51 / /run/netns/a/x rw - fuse.sshfs x rw\n")));
        Assert.True(pin.Reachable);
    }

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}

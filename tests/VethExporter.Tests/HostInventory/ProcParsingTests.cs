using System.Text;
using VethExporter.HostInventory;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.HostInventory;

public class ProcParsingTests
{
    [Fact]
    public void Mountinfo_yields_network_namespace_pins_only()
    {
        var pins = MountInfoParser.ParseNetnsPins(Encoding.UTF8.GetBytes(Fixture.Text("proc/mountinfo")));
        Assert.Equal(
            [
                new NsfsMount(4026532290, "/run/netns/cni-4f1b2c3d-aaaa-bbbb-cccc-0123456789ab"),
                new NsfsMount(4026532291, "/run/netns/with space"),
                new NsfsMount(4026532355, "/run/docker/netns/1a2b3c4d5e6f"),
            ],
            pins);
    }

    [Fact]
    public void Mountinfo_optional_fields_do_not_shift_the_columns()
    {
        var line = "500 25 0:4 net:[4026532999] /run/netns/x rw shared:7 master:3 propagate_from:2 - nsfs nsfs rw\n"u8;
        var pin = Assert.Single(MountInfoParser.ParseNetnsPins(line));
        Assert.Equal(new NsfsMount(4026532999, "/run/netns/x"), pin);
    }

    [Theory]
    [InlineData("net:[4026531993]", true, 4026531993UL)]
    [InlineData("net:[1]", true, 1UL)]
    [InlineData("mnt:[4026531993]", false, 0UL)]
    [InlineData("net:[]", false, 0UL)]
    [InlineData("net:[12a]", false, 0UL)]
    [InlineData("net:4026531993", false, 0UL)]
    [InlineData("/run/netns/x (deleted)", false, 0UL)]
    [InlineData("", false, 0UL)]
    public void Namespace_link_text_is_parsed_strictly(string text, bool ok, ulong inode)
    {
        Assert.Equal(ok, NamespaceLinkParser.TryParseNet(Encoding.UTF8.GetBytes(text), out ulong parsed));
        Assert.Equal(inode, parsed);
    }

    [Theory]
    [InlineData("1234 (sleep) S 1 1234 1234 0 -1", 'S')]
    [InlineData("77 (weird) name) (x) D 1 2 3", 'D')]
    [InlineData("9 (a) T 1", 'T')]
    [InlineData("9 (z) Z 1", 'Z')]
    public void Task_state_follows_the_last_parenthesis(string stat, char state)
    {
        Assert.True(TaskStatParser.TryParseState(Encoding.UTF8.GetBytes(stat), out char parsed));
        Assert.Equal(state, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234 (sleep")]
    [InlineData("1234 (sleep)")]
    [InlineData("1234 (sleep) 9")]
    public void Malformed_task_stat_is_rejected(string stat)
    {
        Assert.False(TaskStatParser.TryParseState(Encoding.UTF8.GetBytes(stat), out _));
    }
}

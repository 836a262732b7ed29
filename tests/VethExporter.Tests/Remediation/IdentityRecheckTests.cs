using VethExporter.Netlink;
using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

/// <summary>The last check before a delete: is ifindex N still the device the scan judged?</summary>
public class IdentityRecheckTests
{
    private static readonly LinkRecord Scanned = new(7, "veth1a2b", "veth", null, 2, 0, OperState.Up, true, "02:00:00:00:00:07", false);

    public static TheoryData<string, LinkRecord> Changed() => new()
    {
        { "same name, new MAC (name reused by a new pair)", Scanned with { Mac = "02:00:00:00:00:99" } },
        { "index reused by another device", Scanned with { Name = "veth9z9z" } },
        { "peer moved to another namespace", Scanned with { LinkNetnsId = 3 } },
        { "peer index changed", Scanned with { PeerIndex = 5 } },
        { "enslaved to a bridge since", Scanned with { MasterIndex = 4 } },
        { "no longer a veth", Scanned with { Kind = "tun" } },
    };

    [Theory]
    [MemberData(nameof(Changed))]
    public void Any_change_refuses(string change, LinkRecord now)
    {
        Assert.False(Remediator.SameIdentity(Scanned, now), change);
    }

    [Fact]
    public void Operstate_alone_does_not_matter()
    {
        Assert.True(Remediator.SameIdentity(Scanned, Scanned with { OperState = OperState.Down, AdminUp = false }));
    }
}

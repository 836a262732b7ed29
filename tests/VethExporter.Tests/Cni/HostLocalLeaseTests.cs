using System.Net;
using System.Text;
using VethExporter.Cni;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Cni;

public class HostLocalLeaseTests
{
    private static HostLocalLease Parse(string name, string content)
    {
        Assert.True(HostLocalLeaseParser.TryParse("net", "/d/net/" + name, Encoding.UTF8.GetBytes(content), out var lease, out string? error), error);
        return lease;
    }

    private static string Fails(string name, byte[] content)
    {
        Assert.False(HostLocalLeaseParser.TryParse("net", "/d/net/" + name, content, out _, out string? error));
        return error!;
    }

    [Fact]
    public void Leases_the_real_plugin_wrote_name_container_and_interface()
    {
        var errors = new List<CniReadError>();
        var leases = HostLocalLeaseReader.Read([CniFixtures.Dir("leases/networks")], errors);
        Assert.Empty(errors);

        var bridge = leases.Where(l => l.Network == "bridgenet").OrderBy(l => l.Address.AddressFamily).ToList();
        Assert.Equal([IPAddress.Parse("10.77.2.2"), IPAddress.Parse("fd77:2::2")], bridge.Select(l => l.Address));
        Assert.All(bridge, l => Assert.Equal((CniFixtures.ContainerId("bridgenet"), "eth0"), (l.ContainerId, l.IfName)));
        Assert.Equal(CniFixtures.Dir("leases/networks/bridgenet/fd77:2::2"), bridge[1].Path);

        // lock and last_reserved_ip.N are bookkeeping; tiny has five reservations from the fill.
        Assert.Equal(5, leases.Count(l => l.Network == "tiny"));
        Assert.Equal(["bridgenet", "fwnet", "legacynet", "ptpnet", "tiny"], leases.Select(l => l.Network).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Podman_lease_under_the_default_data_dir()
    {
        var errors = new List<CniReadError>();
        var lease = Assert.Single(HostLocalLeaseReader.Read([CniFixtures.Dir("podman/networks")], errors));
        Assert.Empty(errors);
        Assert.Equal(IPAddress.Parse("10.77.5.2"), lease.Address);
        Assert.Contains(lease.ContainerId, Path.GetFileName(CniFixtures.PodmanCacheFile));
    }

    [Fact]
    public void The_older_id_only_form_has_no_interface()
    {
        var lease = Parse("10.1.0.7", "abc123\n");
        Assert.Equal(("abc123", (string?)null), (lease.ContainerId, lease.IfName));
        Assert.Equal(IPAddress.Parse("10.1.0.7"), lease.Address);
        Assert.Equal("eth1", Parse("fd00::7", "abc123\r\neth1").IfName);
    }

    [Theory]
    [InlineData("10.1.0.07", "the file name is not an IP address")]  // host-local never writes this form
    [InlineData("10.1.0", "the file name is not an IP address")]
    [InlineData("FD00::7", "the file name is not an IP address")]
    public void Names_that_are_not_canonical_addresses_are_errors(string name, string expected) =>
        Assert.Equal(expected, Fails(name, "id\r\neth0"u8.ToArray()));

    [Theory]
    [InlineData("", "empty: no container id")]
    [InlineData(" \r\n ", "empty: no container id")]
    [InlineData("two words", "the container id has spaces or control characters")]
    [InlineData("id\r\nnot an ifname", "the second line is not an interface name")]
    [InlineData("id\r\nname-longer-than-15", "the second line is not an interface name")]
    [InlineData("id\r\neth0\r\nextra", "the second line is not an interface name")]
    public void Junk_content_is_an_error(string content, string expected) => Assert.Equal(expected, Fails("10.1.0.7", Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void Binary_and_oversized_content_are_errors()
    {
        Assert.Equal("not UTF-8 text", Fails("10.1.0.7", [0xff, 0xfe, 0x00]));
        Assert.StartsWith("larger than 4096 bytes", Fails("10.1.0.7", new byte[5000]));
    }

    [Fact]
    public void Bookkeeping_files_are_not_leases()
    {
        Assert.Equal(LeaseFileKind.Bookkeeping, HostLocalLeaseParser.Classify("lock"));
        Assert.Equal(LeaseFileKind.Bookkeeping, HostLocalLeaseParser.Classify("last_reserved_ip.0"));
        Assert.Equal(LeaseFileKind.Lease, HostLocalLeaseParser.Classify("10.1.0.7"));
        Assert.Equal(LeaseFileKind.Junk, HostLocalLeaseParser.Classify("notes.txt"));
    }

    [Fact]
    public void Junk_in_a_directory_is_one_error_per_file_and_the_rest_is_read()
    {
        using var temp = new TempDirectory();
        string net = Path.Combine(temp.Path, "mynet");
        Directory.CreateDirectory(net);
        File.WriteAllText(Path.Combine(net, "10.0.0.2"), "good\r\neth0");
        File.WriteAllText(Path.Combine(net, "10.0.0.3"), "");
        File.WriteAllText(Path.Combine(net, "README"), "hello");
        File.WriteAllBytes(Path.Combine(net, "10.0.0.4"), new byte[2 * 1024 * 1024]);
        File.CreateSymbolicLink(Path.Combine(net, "10.0.0.5"), "/etc/hostname");
        Directory.CreateDirectory(Path.Combine(net, "10.0.0.6"));
        File.WriteAllText(Path.Combine(net, "lock"), "");
        File.WriteAllText(Path.Combine(temp.Path, "stray-file"), "");  // a file beside the network directories: not a network

        var errors = new List<CniReadError>();
        var lease = Assert.Single(HostLocalLeaseReader.Read([temp.Path, Path.Combine(temp.Path, "missing")], errors));
        Assert.Equal("good", lease.ContainerId);
        var byName = errors.ToDictionary(e => Path.GetFileName(e.Path), e => e.Error);
        Assert.Equal(5, byName.Count);
        Assert.Equal("empty: no container id", byName["10.0.0.3"]);
        Assert.StartsWith("not a host-local file", byName["README"]);
        Assert.StartsWith("larger than 4096 bytes", byName["10.0.0.4"]);
        Assert.Equal("a symbolic link: not followed", byName["10.0.0.5"]);
        Assert.Equal("a directory inside a host-local network directory", byName["10.0.0.6"]);
    }

    [Fact]
    public void A_data_dir_that_is_a_file_is_an_error()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("networks"), "");
        var errors = new List<CniReadError>();
        Assert.Empty(HostLocalLeaseReader.Read([temp.File("networks")], errors));
        Assert.Equal(new CniReadError(temp.File("networks"), "not a directory"), Assert.Single(errors));
    }
}

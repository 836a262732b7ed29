using VethExporter.Runtime;

namespace VethExporter.Tests.Runtime;

public sealed class RuntimeEndpointsAndJoinTests
{
    [Theory]
    [InlineData("/run/docker.sock", "/run/docker.sock")]
    [InlineData("unix:///run/podman/podman.sock", "/run/podman/podman.sock")]
    [InlineData("unix:/run/crio/crio.sock", "/run/crio/crio.sock")]
    public void A_socket_flag_is_a_path_or_a_unix_url(string value, string path) =>
        Assert.Equal(path, RuntimeEndpoints.ParseSocket(value));

    [Theory]
    [InlineData("")]
    [InlineData("run/docker.sock")]
    [InlineData("unix://relative.sock")]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("/run/\0.sock")]
    public void Anything_else_is_refused(string value) =>
        Assert.Throws<FormatException>(() => RuntimeEndpoints.ParseSocket(value));

    [Fact]
    public void A_socket_path_longer_than_sun_path_is_refused() =>
        Assert.Throws<FormatException>(() => RuntimeEndpoints.ParseSocket("/" + new string('s', 120)));

    [Fact]
    public void Without_flags_the_four_defaults_are_probed_and_given_flags_replace_them()
    {
        var defaults = RuntimeEndpoints.FromFlags([], []);
        Assert.Equal(
            ["docker /run/docker.sock", "podman /run/podman/podman.sock", "containerd /run/containerd/containerd.sock", "cri-o /run/crio/crio.sock"],
            defaults.Endpoints.Select(e => $"{e.GuessedName} {e.SocketPath}"));
        Assert.All(defaults.Endpoints, e => Assert.False(e.Configured));

        var given = RuntimeEndpoints.FromFlags([], ["unix:///run/k3s/containerd/containerd.sock", "/run/k3s/containerd/containerd.sock"]);
        var only = Assert.Single(given.Endpoints);
        Assert.Equal(new RuntimeEndpoint(RuntimeApi.Cri, "/run/k3s/containerd/containerd.sock", true), only);
    }

    private static RuntimeSandbox Sandbox(string id, string? netns, string runtime = "podman") =>
        new(runtime, id, "c-" + id, "running", true, netns, null, null, 10, "/run/podman/podman.sock");

    [Fact]
    public void Sandboxes_join_netns_by_path_with_var_run_as_run()
    {
        var inventory = new RuntimeInventory([Sandbox("a", "/var/run/docker/netns/0123abcd", "docker"), Sandbox("b", "/run/netns/netns-1"), Sandbox("c", null)], []);
        var byPath = SandboxNetnsJoin.ByPath(inventory);
        Assert.Equal(["/run/docker/netns/0123abcd", "/run/netns/netns-1"], byPath.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("a", byPath["/run/docker/netns/0123abcd"].Single().SandboxId);
    }

    [Fact]
    public void Sandboxes_join_netns_by_the_inode_found_at_their_path()
    {
        var inventory = new RuntimeInventory(
            [Sandbox("a", "/var/run/docker/netns/0123abcd", "docker"), Sandbox("b", "/run/netns/netns-1"), Sandbox("b2", "/run/netns/netns-1"),
             Sandbox("gone", "/run/netns/netns-gone"), Sandbox("none", null)], []);
        var inodes = new Dictionary<string, ulong> { ["/run/docker/netns/0123abcd"] = 4026532001, ["/run/netns/netns-1"] = 4026532002 };
        var byInode = SandboxNetnsJoin.ByInode(inventory, inodes);
        Assert.Equal(2, byInode.Count);
        Assert.Equal(["a"], byInode[4026532001].Select(s => s.SandboxId));
        Assert.Equal(["b", "b2"], byInode[4026532002].Select(s => s.SandboxId));
    }

    [Fact]
    public void Stat_gives_inodes_only_for_namespace_files()
    {
        using var dir = new Support.TempDirectory();
        File.WriteAllText(dir.File("plain"), "");
        var inventory = new RuntimeInventory([Sandbox("own", "/proc/self/ns/net"), Sandbox("plain", dir.File("plain")), Sandbox("missing", dir.File("missing"))], []);
        var stats = NetnsInodes.Stat(inventory);
        Assert.Contains("not followed", stats["/proc/self/ns/net"].Problem, StringComparison.Ordinal);
        Assert.Equal(NetnsInodes.PlainFile, stats[dir.File("plain")].Problem);
        Assert.Equal("missing", stats[dir.File("missing")].Problem);
        Assert.Empty(NetnsInodes.InodesOf(stats));
    }
}

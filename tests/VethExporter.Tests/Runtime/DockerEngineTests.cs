using System.Diagnostics;
using VethExporter.Runtime;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Runtime;

public sealed class DockerEngineTests : IDisposable
{
    private static readonly string Live = new('a', 64);
    private static readonly string Exited = new('b', 64);
    private static readonly RuntimeLimits Fast = new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), MaxListBytes: 64 * 1024, MaxItemBytes: 16 * 1024, MaxSandboxes: 10);
    private static readonly RuntimeLimits Tight = Fast with { Budget = TimeSpan.FromMilliseconds(800), CallTimeout = TimeSpan.FromMilliseconds(400) };
    private readonly TempDirectory _dir = new();

    private const string PodmanVersion = """
        {"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1","Details":{"APIVersion":"4.3.1"}}],
         "Version":"4.3.1","ApiVersion":"1.41","MinAPIVersion":"1.24","Os":"linux"}
        """;

    private const string DockerVersion = """
        {"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine","Version":"20.10.24"},{"Name":"containerd","Version":"1.6.20"}],
         "Version":"20.10.24","ApiVersion":"1.41"}
        """;

    private static string List => $$"""
        [{"Id":"{{Live}}","Names":["/web"],"State":"running","Status":"Up 3 minutes"},
         {"Id":"{{Exited}}","Names":["/old"],"State":"exited","Status":"Exited (0) 1 hour ago"}]
        """;

    private static string Inspect(string id, string running = "true", string pid = "4242", string labels = "{}") => $$$"""
        {"Id":"{{{id}}}","Name":"/web","State":{"Status":"running","Running":{{{running}}},"Pid":{{{pid}}}},
         "Config":{"Labels":{{{labels}}}},"NetworkSettings":{"SandboxKey":"/run/netns/netns-0f1e2d3c"}}
        """;

    private UnixSocketServer Serve(Func<string, FakeReply> handler) => new(_dir.File("engine.sock"), handler);

    private static Func<string, FakeReply> Engine(string version, Func<string, FakeReply>? list = null, Func<string, FakeReply>? inspect = null) => request =>
        request switch
        {
            "GET /version" => FakeReply.Json(version),
            "GET /v1.41/containers/json?all=1" => list?.Invoke(request) ?? FakeReply.Json(List),
            _ when request.StartsWith("GET /v1.41/containers/", StringComparison.Ordinal) =>
                inspect?.Invoke(request) ?? FakeReply.Json(Inspect(request.Split('/')[3])),
            _ => new FakeReply(404, """{"message":"page not found"}"""),
        };

    private Task<RuntimeInventory> Collect(string? path = null, bool configured = true, RuntimeLimits? limits = null) =>
        RuntimeCollector.CollectAsync(new RuntimeEndpoints([new RuntimeEndpoint(RuntimeApi.DockerEngine, path ?? _dir.File("engine.sock"), configured)]), limits ?? Fast, CancellationToken.None);

    [Fact]
    public async Task Podmans_service_lists_its_containers_and_the_running_ones_netns_and_pid()
    {
        using var server = Serve(Engine(PodmanVersion));
        var inventory = await Collect();
        var status = Assert.Single(inventory.Statuses);
        // The server is this process: the kernel says so (SO_PEERCRED), trusted when it runs as root.
        Assert.Equal(new RuntimeStatus("podman", server.Path, true, null, "4.3.1") { ServerPid = Environment.IsPrivilegedProcess ? Environment.ProcessId : null }, status);
        Assert.Equal(2, inventory.Sandboxes.Count);
        var live = inventory.Sandboxes.Single(s => s.SandboxId == Live);
        Assert.Equal(new RuntimeSandbox("podman", Live, "web", "running", true, "/run/netns/netns-0f1e2d3c", null, null, 4242, server.Path), live);
        var exited = inventory.Sandboxes.Single(s => s.SandboxId == Exited);
        Assert.Equal(("old", "exited", false, (string?)null), (exited.ContainerName, exited.State, exited.Running, exited.NetnsPath));
        Assert.DoesNotContain(server.Requests, r => r.Contains(Exited, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_list_that_names_a_container_twice_counts_it_once_and_fails_no_scan()
    {
        string twice = $$"""
            [{"Id":"{{Live}}","Names":["/web"],"State":"running"},{"Id":"{{Live}}","Names":["/web"],"State":"running"}]
            """;
        using var server = Serve(Engine(PodmanVersion, list: _ => FakeReply.Json(twice)));
        var inventory = await Collect();
        Assert.True(inventory.Statuses.Single().Complete, inventory.Statuses.Single().Error);
        Assert.Equal([Live], inventory.Sandboxes.Select(s => s.SandboxId));
    }

    [Fact]
    public async Task Dockerd_is_told_from_podman_and_kubernetes_labels_name_the_pod()
    {
        using var server = Serve(Engine(DockerVersion, inspect: r => FakeReply.Json(Inspect(Live, labels: """{"io.kubernetes.pod.namespace":"kube-system","io.kubernetes.pod.name":"coredns-1"}"""))));
        var inventory = await Collect();
        Assert.Equal("docker", inventory.Statuses.Single().Name);
        var live = inventory.Sandboxes.Single(s => s.Running);
        Assert.Equal(("docker", "kube-system", "coredns-1"), (live.Runtime, live.PodNamespace, live.PodName));
    }

    [Fact]
    public async Task A_container_gone_between_list_and_inspect_is_left_out()
    {
        using var server = Serve(Engine(PodmanVersion, inspect: _ => new FakeReply(404, """{"message":"no such container"}""")));
        var inventory = await Collect();
        Assert.True(inventory.Statuses.Single().Complete);
        Assert.Equal([Exited], inventory.Sandboxes.Select(s => s.SandboxId));
    }

    public static TheoryData<string, string> BadLists => new()
    {
        { "{\"Id\":", "not JSON" },
        { "{\"not\":\"an array\"}", "not a JSON array" },
        { "[{\"Id\":\"short\",\"State\":\"running\"}]", "not a full container id" },
        { $"[{{\"Id\":\"{new string('a', 64)}\",\"State\":7}}]", "State is missing or not a string" },
        { "[1,2]", "expected an object" },
        { new string('[', 100) + new string(']', 100), "not JSON" },
    };

    [Theory]
    [MemberData(nameof(BadLists))]
    public async Task A_list_that_is_garbage_or_mistyped_is_an_error_and_no_sandbox(string body, string error)
    {
        using var server = Serve(Engine(PodmanVersion, list: _ => FakeReply.Json(body)));
        var inventory = await Collect();
        var status = inventory.Statuses.Single();
        Assert.True(status.Up);
        Assert.False(status.Complete);
        Assert.Contains(error, status.Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Theory]
    [InlineData("\"yes\"", "4242", "State.Running is not a boolean")]
    [InlineData("true", "\"4242\"", "State.Pid is not a pid")]
    [InlineData("true", "-1", "State.Pid is not a pid")]
    [InlineData("true", "1e40", "State.Pid is not a pid")]
    public async Task An_inspect_with_wrong_types_is_an_error_and_no_sandbox(string running, string pid, string error)
    {
        using var server = Serve(Engine(PodmanVersion, inspect: _ => FakeReply.Json(Inspect(Live, running, pid))));
        var inventory = await Collect();
        Assert.Contains(error, inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task An_inspect_answering_for_another_container_is_an_error()
    {
        using var server = Serve(Engine(PodmanVersion, inspect: _ => FakeReply.Json(Inspect(new string('c', 64)))));
        var inventory = await Collect();
        Assert.Contains("answered for another container", inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task A_huge_list_is_an_error_not_a_truncated_list()
    {
        string huge = "[" + string.Join(",", Enumerable.Repeat($"{{\"Id\":\"{Live}\",\"State\":\"exited\",\"Names\":[\"/{new string('x', 500)}\"]}}", 200)) + "]";
        using var server = Serve(Engine(PodmanVersion, list: _ => FakeReply.Json(huge)));
        var inventory = await Collect();
        Assert.Contains("more than the 65536", inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task More_containers_than_the_cap_is_an_error()
    {
        string many = "[" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"{{\"Id\":\"{i:x64}\",\"State\":\"exited\"}}")) + "]";
        using var server = Serve(Engine(PodmanVersion, list: _ => FakeReply.Json(many)));
        var inventory = await Collect();
        Assert.Contains("11 containers, more than the 10", inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task A_slow_runtime_costs_no_more_than_its_budget()
    {
        var many = "[" + string.Join(",", Enumerable.Range(0, 40).Select(i => $"{{\"Id\":\"{i:x64}\",\"State\":\"running\"}}")) + "]";
        using var slow = new UnixSocketServer(_dir.File("slow.sock"), Engine(PodmanVersion, list: _ => FakeReply.Json(many),
            inspect: r => new FakeReply(200, Inspect(r.Split('/')[3]), Delay: TimeSpan.FromMilliseconds(350))));
        var watch = Stopwatch.StartNew();
        // Each call is well within its own timeout, so only the budget can cut the whole short (a loaded machine
        // must not turn this into a call timeout).
        var inventory = await Collect(slow.Path, limits: Tight with { CallTimeout = TimeSpan.FromSeconds(5), MaxSandboxes = 100 });
        watch.Stop();
        var status = inventory.Statuses.Single();
        Assert.True(status.Up);
        Assert.Contains("budget of 800 ms", status.Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
        // Without the budget: ten rounds of four 350 ms inspects, 3.5 s; with it, 0.8 s and the loaded machine's slack.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromMilliseconds(2500));
    }

    [Fact]
    public async Task A_silent_socket_is_down_within_the_call_timeout()
    {
        using var server = Serve(_ => new FakeReply(0, "", Silent: true));
        var watch = Stopwatch.StartNew();
        // A budget far above the call timeout, so only the call timeout can end it, even on a loaded machine.
        var inventory = await Collect(limits: Tight with { Budget = TimeSpan.FromSeconds(10) });
        var status = inventory.Statuses.Single();
        Assert.False(status.Up);
        Assert.Contains("/version: no answer within 400 ms", status.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_socket_that_hangs_up_is_down_with_the_reason()
    {
        using var server = Serve(_ => new FakeReply(0, "", Hangup: true));
        var status = (await Collect()).Statuses.Single();
        Assert.False(status.Up);
        Assert.StartsWith("/version: ", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_status_is_an_error_with_the_engines_message()
    {
        using var server = Serve(Engine(PodmanVersion, list: _ => new FakeReply(500, """{"message":"database is locked"}""")));
        var status = (await Collect()).Statuses.Single();
        Assert.Equal("/containers/json: HTTP 500: database is locked", status.Error);
    }

    [Fact]
    public async Task Garbage_instead_of_a_version_is_down()
    {
        using var server = Serve(_ => FakeReply.Json("<html>hello</html>"));
        var status = (await Collect()).Statuses.Single();
        Assert.False(status.Up);
        Assert.Contains("/version: not JSON", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_regular_file_is_not_a_socket()
    {
        File.WriteAllText(_dir.File("docker.sock"), "");
        var inventory = await Collect(_dir.File("docker.sock"));
        Assert.Equal(new RuntimeStatus("docker", _dir.File("docker.sock"), false, "not a unix socket"), inventory.Statuses.Single());
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_is_down()
    {
        string path = _dir.File("podman.sock");
        // Bound, never listening: connect(2) is refused, as after the runtime died without removing its socket.
        using var bound = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        bound.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        var status = (await Collect(path)).Statuses.Single();
        Assert.Equal(("podman", false), (status.Name, status.Up));
        Assert.Contains("cannot connect: ConnectionRefused", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_socket_that_is_missing_is_down_and_a_missing_default_is_no_runtime()
    {
        Assert.Equal("no such socket", (await Collect(_dir.File("none.sock"))).Statuses.Single().Error);
        Assert.Empty((await Collect(_dir.File("none.sock"), configured: false)).Statuses);
    }

    [Fact]
    public async Task Stop_and_remove_ask_the_engine_and_tell_done_from_already_done()
    {
        using var server = Serve(r => r switch
        {
            _ when r == $"POST /v1.41/containers/{Live}/stop?t=5" => new FakeReply(204, ""),
            _ when r == $"POST /v1.41/containers/{Exited}/stop?t=0" => new FakeReply(304, ""),
            _ when r == $"DELETE /v1.41/containers/{Live}?force=1" => new FakeReply(200, "[{\"Id\":\"x\"}]"),
            _ => new FakeReply(404, """{"message":"no such container"}"""),
        });
        using var client = new DockerEngineClient(server.Path, Fast);
        Assert.True(await client.StopAsync(Live, 5, CancellationToken.None));
        Assert.False(await client.StopAsync(Exited, 0, CancellationToken.None));
        Assert.True(await client.RemoveAsync(Live, CancellationToken.None));
        Assert.False(await client.RemoveAsync(Exited, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.RemoveAsync("../../version", CancellationToken.None));
    }

    public void Dispose() => _dir.Dispose();
}

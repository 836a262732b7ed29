using VethExporter.TestSupport;
using Google.Protobuf;
using VethExporter.Runtime;
using VethExporter.Runtime.Cri;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Runtime;

public sealed class CriRuntimeTests : IDisposable
{
    // Generous: Kestrel's first answer on a loaded 2-core machine can take a while; the slow test has its own.
    private static readonly RuntimeLimits Fast = new(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(3), MaxListBytes: 64 * 1024, MaxItemBytes: 16 * 1024, MaxSandboxes: 10);
    private readonly TempDirectory _dir = new();

    private static string Info(string netns, int pid) =>
        "{\"pid\":" + pid + ",\"processStatus\":\"running\",\"netNamespaceClosed\":false," +
        "\"runtimeSpec\":{\"ociVersion\":\"1.0.2\",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"" + netns + "\"},{\"type\":\"mount\"}]}}}";

    private static PodSandbox Sandbox(string id, string name, PodSandboxState state) =>
        new() { Id = id, State = state, CreatedAt = 1, Metadata = new PodSandboxMetadata { Name = name, Namespace = "default", Uid = "u-" + id } };

    private static Func<string, byte[], CriReply> Containerd(Func<string, byte[], CriReply>? overrides = null) => (method, message) =>
        overrides?.Invoke(method, message) ?? method switch
        {
            "Version" => new CriReply(new VersionResponse { Version = "0.1.0", RuntimeName = "containerd", RuntimeVersion = "1.6.20", RuntimeApiVersion = "v1" }),
            "ListPodSandbox" => new CriReply(new ListPodSandboxResponse { Items = { Sandbox("s1", "web-1", PodSandboxState.SandboxReady), Sandbox("s2", "job-2", PodSandboxState.SandboxNotready) } }),
            "PodSandboxStatus" => StatusOf(PodSandboxStatusRequest.Parser.ParseFrom(message).PodSandboxId),
            _ => new CriReply(GrpcStatus: 12),
        };

    private static CriReply StatusOf(string id)
    {
        var response = new PodSandboxStatusResponse
        {
            Status = new PodSandboxStatus
            {
                Id = id,
                State = id == "s1" ? PodSandboxState.SandboxReady : PodSandboxState.SandboxNotready,
                Metadata = new PodSandboxMetadata { Name = id == "s1" ? "web-1" : "job-2", Namespace = "default" },
            },
        };
        response.Info.Add("info", Info($"/var/run/netns/cni-{id}", id == "s1" ? 4100 : 0));
        return new CriReply(response);
    }

    private static Task<RuntimeInventory> Collect(string path, RuntimeLimits? limits = null) =>
        RuntimeCollector.CollectAsync(new RuntimeEndpoints([new RuntimeEndpoint(RuntimeApi.Cri, path, true)]), limits ?? Fast, CancellationToken.None);

    [Fact]
    public async Task Containerds_sandboxes_come_with_readiness_pod_netns_and_pid()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("containerd.sock"), Containerd());
        var inventory = await Collect(server.Path);
        // The server is this process: the kernel says so (SO_PEERCRED), trusted when it runs as root.
        Assert.Equal(new RuntimeStatus("containerd", server.Path, true, null, "1.6.20") { ServerPid = Environment.IsPrivilegedProcess ? Environment.ProcessId : null }, inventory.Statuses.Single());
        Assert.Equal(
            [
                new RuntimeSandbox("containerd", "s1", "web-1", "SANDBOX_READY", true, "/var/run/netns/cni-s1", "default", "web-1", 4100, server.Path),
                new RuntimeSandbox("containerd", "s2", "job-2", "SANDBOX_NOTREADY", false, "/var/run/netns/cni-s2", "default", "job-2", null, server.Path),
            ],
            inventory.Sandboxes);
    }

    [Fact]
    public async Task Cri_o_is_named_by_its_version_answer()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("x.sock"), Containerd((m, _) => m == "Version"
            ? new CriReply(new VersionResponse { RuntimeName = "cri-o", RuntimeVersion = "1.28.1" }) : null!));
        Assert.Equal("cri-o", (await Collect(server.Path)).Statuses.Single().Name);
    }

    [Fact]
    public async Task A_sandbox_gone_before_its_status_is_left_out()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, msg) =>
            m == "PodSandboxStatus" && PodSandboxStatusRequest.Parser.ParseFrom(msg).PodSandboxId == "s2" ? new CriReply(GrpcStatus: 5) : null!));
        var inventory = await Collect(server.Path);
        Assert.True(inventory.Statuses.Single().Complete);
        Assert.Equal(["s1"], inventory.Sandboxes.Select(s => s.SandboxId));
    }

    [Fact]
    public async Task Garbage_bytes_for_a_list_are_an_error_and_no_sandbox()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, _) =>
            m == "ListPodSandbox" ? new CriReply(Raw: [0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]) : null!));
        var inventory = await Collect(server.Path);
        var status = inventory.Statuses.Single();
        Assert.True(status.Up, status.Error);
        // Grpc.Net.Client calls a message it cannot parse Unavailable, naming the parser's exception.
        Assert.StartsWith("ListPodSandbox: gRPC Unavailable", status.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidProtocolBufferException", status.Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task A_list_over_the_byte_cap_is_an_error()
    {
        var big = new ListPodSandboxResponse();
        for (int i = 0; i < 5; i++) big.Items.Add(Sandbox("s" + i, new string('n', 20_000), PodSandboxState.SandboxReady));
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, _) => m == "ListPodSandbox" ? new CriReply(big) : null!));
        var inventory = await Collect(server.Path);
        Assert.Contains("ResourceExhausted", inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task More_sandboxes_than_the_cap_is_an_error()
    {
        var many = new ListPodSandboxResponse();
        for (int i = 0; i < 11; i++) many.Items.Add(Sandbox("s" + i, "p", PodSandboxState.SandboxReady));
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, _) => m == "ListPodSandbox" ? new CriReply(many) : null!));
        Assert.Contains("11 sandboxes, more than the 10", (await Collect(server.Path)).Statuses.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verbose_info_that_is_not_json_is_an_error()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, msg) =>
        {
            if (m != "PodSandboxStatus") return null!;
            var r = new PodSandboxStatusResponse { Status = new PodSandboxStatus { Id = PodSandboxStatusRequest.Parser.ParseFrom(msg).PodSandboxId } };
            r.Info.Add("info", "{not json");
            return new CriReply(r);
        }));
        var inventory = await Collect(server.Path);
        Assert.Contains("PodSandboxStatus info: not JSON", inventory.Statuses.Single().Error, StringComparison.Ordinal);
        Assert.Empty(inventory.Sandboxes);
    }

    [Fact]
    public async Task A_slow_cri_runtime_is_cut_at_the_call_timeout()
    {
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), Containerd((m, _) =>
            m == "Version" ? new CriReply(new VersionResponse { RuntimeName = "containerd" }, Delay: TimeSpan.FromSeconds(5)) : null!));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // A budget far above the call timeout, so only the call deadline can end it, even on a loaded machine.
        var status = (await Collect(server.Path, Fast with { Budget = TimeSpan.FromSeconds(10), CallTimeout = TimeSpan.FromMilliseconds(700) })).Statuses.Single();
        Assert.False(status.Up);
        Assert.StartsWith("Version: gRPC DeadlineExceeded", status.Error, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task An_http1_server_on_a_cri_socket_is_down_not_a_crash()
    {
        using var server = new UnixSocketServer(_dir.File("h1.sock"), _ => FakeReply.Json("{}"));
        var status = (await Collect(server.Path)).Statuses.Single();
        Assert.False(status.Up);
        Assert.StartsWith("Version: gRPC", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_and_remove_reach_the_runtime()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await FakeCriServer.StartAsync(_dir.File("c.sock"), (m, msg) =>
        {
            calls.Enqueue(m + " " + (m == "StopPodSandbox" ? StopPodSandboxRequest.Parser.ParseFrom(msg).PodSandboxId : RemovePodSandboxRequest.Parser.ParseFrom(msg).PodSandboxId));
            return m == "StopPodSandbox" ? new CriReply(new StopPodSandboxResponse()) : new CriReply(new RemovePodSandboxResponse());
        });
        using var client = new CriRuntimeClient(server.Path, Fast);
        await client.StopAsync("s9", CancellationToken.None);
        await client.RemoveAsync("s9", CancellationToken.None);
        Assert.Equal(["StopPodSandbox s9", "RemovePodSandbox s9"], calls);
    }

    [Theory]
    [InlineData("""{"pid":12,"runtimeSpec":{"linux":{"namespaces":[{"type":"network","path":"/run/netns/x"}]}}}""", "/run/netns/x", 12)]
    [InlineData("""{"runtimeSpec":{"linux":{"namespaces":[{"type":"network"}]}}}""", null, null)]
    [InlineData("""{"pid":0}""", null, null)]
    public void Verbose_info_gives_the_netns_path_and_pid(string json, string? netns, int? pid) =>
        Assert.Equal((netns, pid), CriVerboseInfo.Parse(new Dictionary<string, string> { ["info"] = json }));

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""{"pid":"12"}""")]
    [InlineData("""{"runtimeSpec":{"linux":{"namespaces":[{"type":"network","path":7}]}}}""")]
    [InlineData("""{"runtimeSpec":{"linux":{"namespaces":[{"type":"network","path":"relative"}]}}}""")]
    public void Verbose_info_with_wrong_types_is_an_error(string json) =>
        Assert.Throws<RuntimeAnswerException>(() => CriVerboseInfo.Parse(new Dictionary<string, string> { ["info"] = json }));

    public void Dispose() => _dir.Dispose();
}

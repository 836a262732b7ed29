using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Runtime;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Classification;

/// <summary>ARCHITECTURE §7: the runtime's word makes verdicts safer or attributes them, never deletable.</summary>
public sealed class RuntimeJudgeTests
{
    private const string PodmanId = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    private static RuntimeSandbox Sandbox(string runtime, string id, bool running, string? netns, string state = "running") =>
        new(runtime, id, "web-1", state, running, netns, runtime is RuntimeNames.Containerd ? "prod" : null,
            runtime is RuntimeNames.Containerd ? "web-1" : null, null, "/run/x.sock");

    /// <summary>veth1 → a pinned namespace without a process (nsid 0, pin /run/netns/c), veth2 → a live one.</summary>
    private static HostFacts Host() => new InventoryBuilder()
        .Veth("veth1", 0).Namespace(0, pins: ["/run/netns/c"])
        .Veth("veth2", 1).Namespace(1, pids: [42])
        .Build();

    private static (List<VethVerdict> Verdicts, RuntimeClaims Claims) Judge(HostFacts host, RuntimeInventory runtimes,
        IReadOnlyDictionary<string, ulong>? ownInodes = null)
    {
        var claims = RuntimeClaims.Build(runtimes, ownInodes ?? new Dictionary<string, ulong>(), host);
        var verdicts = RuntimeJudge.Apply(Classifier.Classify(host, ClassificationPolicy.Default), claims);
        var context = BlockerContext.From(host, new HashSet<string>(), ClassificationPolicy.Default) with { Runtime = claims };
        return (verdicts.Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v).ToList(), claims);
    }

    private static RuntimeInventory Said(params RuntimeSandbox[] sandboxes) =>
        new(sandboxes, sandboxes.Select(s => s.Runtime).Distinct().Select(n => new RuntimeStatus(n, "/run/x.sock", Up: true, null)).ToList());

    [Fact]
    public void A_ready_cri_sandbox_without_a_process_is_in_use()
    {
        var (verdicts, _) = Judge(Host(), Said(Sandbox(RuntimeNames.Containerd, "sb1", running: true, "/var/run/netns/c", "SANDBOX_READY")));
        var veth1 = verdicts.Single(v => v.Link.Name == "veth1");
        Assert.Equal((VethStates.InUse, Reasons.RuntimeSandbox), (veth1.State, veth1.Reason));
        Assert.Empty(veth1.Blockers);
        Assert.Equal(("containerd", "sb1", "prod", "web-1"), (veth1.Runtime!.Runtime, veth1.Runtime.SandboxId, veth1.Runtime.PodNamespace, veth1.Runtime.PodName));
    }

    [Theory]
    [InlineData(RuntimeNames.Containerd, false, "SANDBOX_NOTREADY")]
    [InlineData(RuntimeNames.CriO, false, "SANDBOX_NOTREADY")]
    [InlineData(RuntimeNames.Podman, true, "running")]
    [InlineData(RuntimeNames.Docker, true, "running")]
    public void Any_other_claim_leaves_the_orphan_an_orphan_owned_by_its_runtime(string runtime, bool running, string state)
    {
        var (verdicts, _) = Judge(Host(), Said(Sandbox(runtime, PodmanId, running, "/run/netns/c", state)));
        var veth1 = verdicts.Single(v => v.Link.Name == "veth1");
        Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess), (veth1.State, veth1.Reason));
        Assert.Equal([Blockers.RuntimeOwned], veth1.Blockers);
        Assert.False(veth1.Deletable);
        Assert.Equal((runtime, state), (veth1.Runtime!.Runtime, veth1.Runtime.State));
    }

    [Fact]
    public void A_live_veth_carries_its_runtime_and_keeps_its_verdict()
    {
        var (verdicts, _) = Judge(Host(), Said(Sandbox(RuntimeNames.Podman, PodmanId, true, "/run/netns/live")),
            new Dictionary<string, ulong> { ["/run/netns/live"] = 4026532001 });
        var veth2 = verdicts.Single(v => v.Link.Name == "veth2");
        Assert.Equal((VethStates.InUse, Reasons.Process, PodmanId), (veth2.State, veth2.Reason, veth2.Runtime?.SandboxId));
        Assert.Null(verdicts.Single(v => v.Link.Name == "veth1").Runtime);
        Assert.Empty(verdicts.Single(v => v.Link.Name == "veth1").Blockers);
    }

    [Fact]
    public void A_path_seen_in_our_mount_namespace_joins_by_its_inode_there_not_by_its_name()
    {
        // The runtime names /run/netns/c, but in our mount namespace that path is now another namespace (the live one).
        var (verdicts, _) = Judge(Host(), Said(Sandbox(RuntimeNames.Containerd, "sb1", true, "/run/netns/c", "SANDBOX_READY")),
            new Dictionary<string, ulong> { ["/run/netns/c"] = 4026532001 });
        Assert.Equal(VethStates.Orphan, verdicts.Single(v => v.Link.Name == "veth1").State);
        Assert.Equal("sb1", verdicts.Single(v => v.Link.Name == "veth2").Runtime?.SandboxId);
    }

    [Fact]
    public void Pins_of_another_mount_namespace_join_docker_sandbox_keys()
    {
        var host = new InventoryBuilder().Veth("veth1", 0).Build() with
        {
            Namespaces = [new NamespaceHolders(4026532000, 0, [], [new NetnsPin(4026532000, "/run/docker/netns/0123abcd", 77, "/proc/900/root/run/docker/netns/0123abcd", false)], [])],
        };
        var (verdicts, _) = Judge(host, Said(Sandbox(RuntimeNames.Docker, PodmanId, true, "/var/run/docker/netns/0123abcd")));
        var veth1 = Assert.Single(verdicts);
        Assert.Equal((RuntimeNames.Docker, Blockers.RuntimeOwned), (veth1.Runtime?.Runtime, veth1.Blockers.Single()));
    }

    [Fact]
    public void An_unreachable_runtime_blocks_every_orphan_no_runtime_claims()
    {
        var down = new RuntimeInventory([], [new RuntimeStatus(RuntimeNames.Docker, "/run/docker.sock", Up: false, "/version: cannot connect")]);
        var (verdicts, claims) = Judge(Host(), down);
        Assert.Equal([Blockers.RuntimeUnreachable], verdicts.Single(v => v.Link.Name == "veth1").Blockers);
        Assert.Empty(verdicts.Single(v => v.Link.Name == "veth2").Blockers); // in use: no blockers at all
        Assert.Single(claims.Unreachable);

        // Up but with an incomplete answer is doubt too.
        var partial = new RuntimeInventory([], [new RuntimeStatus(RuntimeNames.Podman, "/run/podman/podman.sock", Up: true, "/containers/json: HTTP 500")]);
        Assert.Contains(Blockers.RuntimeUnreachable, Judge(Host(), partial).Verdicts.Single(v => v.Link.Name == "veth1").Blockers);
    }

    [Fact]
    public void The_runtime_servers_own_fd_is_no_workload_but_anyone_elses_is()
    {
        var host = new InventoryBuilder().Veth("veth1", 0).Namespace(0, pins: ["/run/netns/c"], fdPids: [700]).Build();
        var podman = Sandbox(RuntimeNames.Podman, PodmanId, true, "/run/netns/c");
        RuntimeInventory ServedBy(int pid) => new([podman], [new RuntimeStatus(RuntimeNames.Podman, "/run/x.sock", true, null) { ServerPid = pid }]);

        var answered = Assert.Single(Judge(host, ServedBy(700)).Verdicts);
        Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess), (answered.State, answered.Reason));
        Assert.Equal([Blockers.RuntimeOwned], answered.Blockers); // the runtime's to clean, never ours to delete

        var other = Assert.Single(Judge(host, ServedBy(701)).Verdicts);
        Assert.Equal((VethStates.InUse, Reasons.Fd), (other.State, other.Reason));
        var unasked = Assert.Single(Judge(host, RuntimeInventory.Empty).Verdicts);
        Assert.Equal((VethStates.InUse, Reasons.Fd), (unasked.State, unasked.Reason));
    }

    [Fact]
    public void By_container_id_alone_only_a_listed_sandbox_with_nothing_alive_owns_the_leftovers()
    {
        // Two stealth leaks (namespace gone): podman still calls one running, its process dead; the other it stopped.
        var inventory = new InventoryBuilder().Veth("vethlive", 0).Namespace(0, pids: [4321]).Build();
        var cni = new CniBuilder()
            .Attachment("podnet", PodmanId, "vethgone1", "02:00:00:00:01:aa", "/run/netns/g1", "10.22.0.3").Path("/run/netns/g1", null)
            .Attachment("podnet", new string('e', 64), "vethgone2", "02:00:00:00:01:bb", "/run/netns/g2", "10.22.0.4").Path("/run/netns/g2", null)
            .Attachment("podnet", new string('f', 64), "vethgone3", "02:00:00:00:01:cc", "/run/netns/g3", "10.22.0.5").Path("/run/netns/g3", null);
        var runtimes = Said(
            Sandbox(RuntimeNames.Podman, PodmanId, true, null) with { Pid = 999 },
            Sandbox(RuntimeNames.Podman, new string('e', 64), false, null, "exited"),
            // Restarted under its policy: running again, its pid alive.
            Sandbox(RuntimeNames.Podman, new string('f', 64), true, null) with { Pid = 4321 });
        var claims = RuntimeClaims.Build(runtimes, new Dictionary<string, ulong>(), inventory);
        var verdicts = RuntimeJudge.Apply(Classifier.Classify(inventory, ClassificationPolicy.Default), claims);
        var attachments = RuntimeJudge.Apply(cni.Judge(inventory, verdicts), claims).ToDictionary(a => a.Key.ContainerId);

        Assert.True(attachments[PodmanId].RuntimeOwned);
        Assert.Contains(Blockers.RuntimeOwned, attachments[PodmanId].Blockers);
        foreach (string other in new[] { new string('e', 64), new string('f', 64) })
        {
            Assert.Equal(other, attachments[other].Runtime?.SandboxId); // attributed
            Assert.False(attachments[other].RuntimeOwned);              // not the runtime's to clean: cni_del as before
            Assert.DoesNotContain(Blockers.RuntimeOwned, attachments[other].Blockers);
        }
    }

    [Fact]
    public void An_unreachable_runtime_blocks_claimed_orphans_too_and_a_shared_namespace_is_marked()
    {
        var host = Host();
        var runtimes = new RuntimeInventory(
            [Sandbox(RuntimeNames.Podman, PodmanId, true, "/run/netns/c"), Sandbox(RuntimeNames.Podman, new string('b', 64), true, "/run/netns/c")],
            [new RuntimeStatus(RuntimeNames.Podman, "/run/x.sock", true, null), new RuntimeStatus(RuntimeNames.CriO, "/run/crio/crio.sock", false, "Version: gRPC Unavailable")]);
        var veth1 = Judge(host, runtimes).Verdicts.Single(v => v.Link.Name == "veth1");
        Assert.Equal([Blockers.RuntimeOwned, Blockers.RuntimeUnreachable], veth1.Blockers);
        Assert.True(veth1.RuntimeShared); // a pod's two containers: cleaning one frees nothing
    }

    [Fact]
    public void No_runtime_at_all_changes_nothing()
    {
        var (verdicts, _) = Judge(Host(), RuntimeInventory.Empty);
        Assert.Equal(Classifier.Classify(Host(), ClassificationPolicy.Default).Select(v => (v.State, v.Reason)), verdicts.Select(v => (v.State, v.Reason)));
        Assert.All(verdicts, v => Assert.Null(v.Runtime));
        Assert.True(verdicts.Single(v => v.Link.Name == "veth1").Deletable);
    }

    [Fact]
    public void Attachments_join_by_namespace_or_container_id_and_take_the_same_word()
    {
        var hosts = new InventoryBuilder()
            .Veth("vethleak", 0, mac: "02:00:00:00:01:bb").Namespace(0, pins: ["/run/netns/p"])
            .Veth("vethready", 1, mac: "02:00:00:00:01:cc").Namespace(1, pins: ["/run/netns/r"]);
        var cni = new CniBuilder()
            .Attachment("podnet", PodmanId, "vethleak", "02:00:00:00:01:bb", "/run/netns/p", "10.22.0.3").Path("/run/netns/p", 4026532000)
            .Attachment("podnet", "readysandbox", "vethready", "02:00:00:00:01:cc", "/run/netns/r", "10.22.0.4").Path("/run/netns/r", 4026532001)
            .Attachment("podnet", "gonesandbox", "vethgone", "02:00:00:00:01:dd", "/run/netns/g", "10.22.0.5").Path("/run/netns/g", null);
        var inventory = hosts.Build();
        var runtimes = Said(
            Sandbox(RuntimeNames.Podman, PodmanId, true, "/run/netns/p"),
            Sandbox(RuntimeNames.Containerd, "readysandbox", true, "/run/netns/r", "SANDBOX_READY"),
            Sandbox(RuntimeNames.Containerd, "gonesandbox", false, null, "SANDBOX_NOTREADY"));
        var claims = RuntimeClaims.Build(runtimes, new Dictionary<string, ulong>(), inventory);
        var verdicts = RuntimeJudge.Apply(Classifier.Classify(inventory, ClassificationPolicy.Default), claims);
        var attachments = RuntimeJudge.Apply(cni.Judge(inventory, verdicts), claims).ToDictionary(a => a.Key.ContainerId);

        Assert.Equal((AttachmentStates.Leaked, PodmanId), (attachments[PodmanId].State, attachments[PodmanId].Runtime?.SandboxId));
        Assert.Contains(Blockers.RuntimeOwned, attachments[PodmanId].Blockers);
        Assert.Equal((AttachmentStates.Live, AttachmentReasons.RuntimeSandbox), (attachments["readysandbox"].State, attachments["readysandbox"].Reason));
        // Its namespace is gone, but the runtime still lists the sandbox by the attachment's container id: still its to clean.
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.NetnsGone), (attachments["gonesandbox"].State, attachments["gonesandbox"].Reason));
        Assert.Contains(Blockers.RuntimeOwned, attachments["gonesandbox"].Blockers);
    }
}

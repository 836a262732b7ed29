using VethExporter.Classification;
using VethExporter.Remediation;
using VethExporter.Runtime;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Remediation;

/// <summary>ARCHITECTURE §7: what a runtime owns goes by its own cleanup first; its plumbing does not block that, our judgement does.</summary>
public sealed class RuntimeCleanupPlannerTests
{
    private const string Id = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static readonly RemediationPolicy Policy = new(MaxDeletes: 20, DetachBridged: true, ReleaseNetns: false);
    private static readonly RemediationRequest All = new([], All: true, null, null, DryRun: false);

    /// <summary>
    /// vethpodman: bridged, its CNI attachment leaked, podman still says running; vethdocker: bridged, no CNI, dockerd
    /// says running; vethyoung: podman's too, too young; vethplain: nobody's, bridged (detached then deleted by default).
    /// </summary>
    private static List<PlannedItem> Plan(bool runtimeCleanup = true, RemediationRequest? request = null, int maxDeletes = 20)
    {
        var hosts = new InventoryBuilder().Bridge("cni0").Bridge("docker0")
            .Veth("vethpodman", 0, master: "cni0", mac: "02:00:00:00:01:aa").Namespace(0, pins: ["/run/netns/netns-1"])
            .Veth("vethdocker", 1, master: "docker0", mac: "02:00:00:00:01:bb").Namespace(1, pins: ["/run/docker/netns/ab"])
            .Veth("vethyoung", 2, mac: "02:00:00:00:01:cc").Namespace(2, pins: ["/run/netns/netns-3"])
            .Veth("vethplain", 3, master: "docker0", mac: "02:00:00:00:01:dd").Namespace(3, pins: ["/run/netns/q"]);
        var inventory = hosts.Build();
        var cni = new CniBuilder()
            .Attachment("podman", Id, "vethpodman", "02:00:00:00:01:aa", "/run/netns/netns-1", "10.88.0.2").Path("/run/netns/netns-1", 4026532000);
        RuntimeSandbox Sandbox(string runtime, string id, string netns) => new(runtime, id, "web", "running", true, netns, null, null, null, "/run/x.sock");
        var runtimes = new RuntimeInventory(
            [
                Sandbox(RuntimeNames.Podman, Id, "/run/netns/netns-1"),
                Sandbox(RuntimeNames.Docker, new string('c', 64), "/var/run/docker/netns/ab"),
                Sandbox(RuntimeNames.Podman, new string('d', 64), "/run/netns/netns-3"),
            ],
            [new RuntimeStatus(RuntimeNames.Podman, "/run/x.sock", true, null), new RuntimeStatus(RuntimeNames.Docker, "/run/x.sock", true, null)]);
        var claims = RuntimeClaims.Build(runtimes, new Dictionary<string, ulong>(), inventory);
        var policy = ClassificationPolicy.Default with { DetachBridged = true };
        var context = BlockerContext.From(inventory, new HashSet<string>(), policy) with { Runtime = claims };
        var verdicts = RuntimeJudge.Apply(Classifier.Classify(inventory, policy), claims)
            .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v)
            .Select(v => v.Link.Name == "vethyoung" ? v with { Blockers = [.. v.Blockers, Blockers.TooYoung] } : v)
            .ToList();
        var attachments = RuntimeJudge.Apply(cni.Judge(inventory, verdicts), claims);
        return RemediationPlanner.Plan(verdicts, request ?? All, Policy with { MaxDeletes = maxDeletes }, attachments: attachments, runtimeCleanup: runtimeCleanup);
    }

    [Fact]
    public void What_a_runtime_owns_goes_by_runtime_cleanup_and_what_none_owns_by_detach_and_delete()
    {
        var plan = Plan().ToDictionary(i => i.Interface);
        Assert.Equal(RemediationActions.RuntimeCleanup, plan["vethpodman"].Action);
        Assert.True(plan["vethpodman"].Go);
        Assert.Equal(Id, plan["vethpodman"].Attachment?.Key.ContainerId); // its attachment goes with it, checked after
        Assert.Equal(RemediationActions.RuntimeCleanup, plan["vethdocker"].Action); // no CNI: the runtime's word alone
        Assert.Equal(RemediationActions.DetachDelete, plan["vethplain"].Action);
        // Age blocks every action, the runtime's too.
        Assert.Equal(RemediationResults.Refused, plan["vethyoung"].Result);
        Assert.Equal([Blockers.TooYoung], plan["vethyoung"].Blockers);
    }

    [Fact]
    public void Without_a_runtime_to_ask_runtime_owned_refuses_our_own_deletes()
    {
        var plan = Plan(runtimeCleanup: false).ToDictionary(i => i.Interface);
        Assert.Equal(RemediationResults.Refused, plan["vethdocker"].Result);
        Assert.Contains(Blockers.RuntimeOwned, plan["vethdocker"].Blockers);
        Assert.Equal(RemediationResults.Refused, plan["vethpodman"].Result);
        Assert.Contains(Blockers.RuntimeOwned, plan["vethpodman"].Blockers);
        Assert.True(plan["vethplain"].Go);
    }

    [Fact]
    public void Runtime_cleanups_count_against_the_budget()
    {
        var plan = Plan(maxDeletes: 1);
        Assert.Single(plan, i => i.Go);
        Assert.Contains(plan, i => i.Blockers.Contains(RefusalReasons.MaxDeletes));
    }

    [Fact]
    public void A_sandbox_goes_whole_and_only_if_every_veth_of_it_may_go()
    {
        // One podman container with two networks: two veths peered into one pinned namespace.
        var hosts = new InventoryBuilder().Bridge("cni0")
            .Veth("vethnet1", 0, master: "cni0").Veth("vethnet2", 0).Namespace(0, pins: ["/run/netns/netns-1"]);
        var inventory = hosts.Build();
        var runtimes = new RuntimeInventory([new RuntimeSandbox(RuntimeNames.Podman, Id, "web", "running", true, "/run/netns/netns-1", null, null, null, "/run/x.sock")],
            [new RuntimeStatus(RuntimeNames.Podman, "/run/x.sock", true, null)]);
        var claims = RuntimeClaims.Build(runtimes, new Dictionary<string, ulong>(), inventory);
        var policy = ClassificationPolicy.Default with { DetachBridged = true };
        List<PlannedItem> PlanWith(System.Text.RegularExpressions.Regex? protect)
        {
            var judged = policy with { Protect = protect };
            var context = BlockerContext.From(inventory, new HashSet<string>(), judged) with { Runtime = claims };
            var verdicts = RuntimeJudge.Apply(Classifier.Classify(inventory, judged), claims)
                .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v).ToList();
            return RemediationPlanner.Plan(verdicts, new RemediationRequest(["vethnet1"], All: false, null, null, DryRun: false), Policy, runtimeCleanup: true);
        }

        var whole = PlanWith(null);
        Assert.Equal(["vethnet1 runtime_cleanup ", "vethnet2 runtime_cleanup vethnet1"], whole.Select(i => $"{i.Interface} {i.Action} {i.GoesWith}"));
        Assert.All(whole, i => Assert.True(i.Go));

        var refused = Assert.Single(PlanWith(new System.Text.RegularExpressions.Regex("^vethnet2$")));
        Assert.Equal((RemediationResults.Refused, RefusalReasons.SandboxMemberBlocked), (refused.Result, refused.Blockers.Single()));
    }

    [Fact]
    public void A_named_runtime_owned_interface_goes_by_its_runtime()
    {
        var item = Assert.Single(Plan(request: new RemediationRequest(["vethdocker"], All: false, null, null, DryRun: true)));
        Assert.Equal((true, RemediationActions.RuntimeCleanup), (item.Go, item.Action));
    }
}

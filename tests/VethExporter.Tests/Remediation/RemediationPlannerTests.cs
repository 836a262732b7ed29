using VethExporter.Classification;
using VethExporter.Remediation;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Remediation;

public class RemediationPlannerTests
{
    private static readonly RemediationPolicy Policy = new(MaxDeletes: 20, DetachBridged: false, ReleaseNetns: false);

    /// <summary>live (in use), two clean orphans sharing a namespace, one bridged orphan, one with tc.</summary>
    private static List<VethVerdict> Verdicts(ClassificationPolicy? classification = null)
    {
        classification ??= ClassificationPolicy.Default;
        var builder = new InventoryBuilder()
            .Bridge("docker0")
            .Veth("vethlive", 0, master: "docker0").Namespace(0, pids: [42])
            .Veth("vethleak1", 1).Veth("vethleak2", 1).Namespace(1, pins: ["/run/netns/x"])
            .Veth("vethbridged", 2, master: "docker0").Namespace(2, pins: ["/run/netns/y"])
            .Veth("vethtc", 3).Namespace(3, pins: ["/run/netns/z"])
            .Qdisc("vethtc", 0x10000, "tbf");
        var inventory = builder.Build();
        var context = BlockerContext.From(inventory, new HashSet<string>(), classification);
        return Classifier.Classify(inventory, classification)
            .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v)
            .ToList();
    }

    private static Dictionary<string, PlannedItem> Plan(RemediationRequest request, RemediationPolicy? policy = null, List<VethVerdict>? verdicts = null) =>
        RemediationPlanner.Plan(verdicts ?? Verdicts(), request, policy ?? Policy).ToDictionary(i => i.Interface);

    [Fact]
    public void Only_deletable_orphans_get_a_go_and_every_refusal_names_its_blockers()
    {
        var plan = Plan(RemediationRequest.ForInterfaces(["vethlive", "vethleak1", "vethbridged", "vethtc", "nosuch0"], dryRun: false));
        Assert.True(plan["vethleak1"].Go);
        Assert.Equal(RemediationActions.Delete, plan["vethleak1"].Action);
        AssertRefused(plan["vethlive"], RefusalReasons.NotOrphan);
        AssertRefused(plan["vethbridged"], Blockers.BridgePort);
        AssertRefused(plan["vethtc"], Blockers.Tc);
        Assert.Equal(RemediationResults.NotFound, plan["nosuch0"].Result);
    }

    [Fact]
    public void Past_the_hourly_budget_every_further_go_is_refused_naming_that_budget()
    {
        var items = RemediationPlanner.Plan(Verdicts(), RemediationRequest.ForInterfaces(["vethleak1", "vethleak2"], false), Policy,
            new DeletionAllowance(Request: 20, Hour: 1)).ToDictionary(i => i.Interface);
        Assert.True(items["vethleak1"].Go);
        AssertRefused(items["vethleak2"], RefusalReasons.MaxDeletesPerHour);

        var spent = RemediationPlanner.Plan(Verdicts(), RemediationRequest.ForInterfaces(["vethleak1"], false), Policy, new DeletionAllowance(20, 0));
        AssertRefused(Assert.Single(spent), RefusalReasons.MaxDeletesPerHour);
    }

    [Fact]
    public void The_request_cap_is_named_before_the_hourly_budget_when_both_run_out()
    {
        var items = RemediationPlanner.Plan(Verdicts(), RemediationRequest.ForInterfaces(["vethleak1", "vethleak2"], false), Policy,
            new DeletionAllowance(Request: 1, Hour: 1)).ToDictionary(i => i.Interface);
        Assert.True(items["vethleak1"].Go);
        AssertRefused(items["vethleak2"], RefusalReasons.MaxDeletes);
    }

    [Fact]
    public void Interfaces_an_earlier_request_of_the_batch_decided_are_left_out_and_cost_nothing()
    {
        var items = RemediationPlanner.Plan(Verdicts(), new RemediationRequest([], true, null, null, false), Policy,
            new DeletionAllowance(1, 100), new HashSet<string> { "vethleak1" });
        Assert.DoesNotContain(items, i => i.Interface == "vethleak1");
        Assert.True(Assert.Single(items, i => i.Interface == "vethleak2").Go);
    }

    [Fact]
    public void Names_that_do_not_pick_out_one_link_are_refused_and_never_crash_the_planner()
    {
        var twins = new InventoryBuilder()
            .Veth("veth\uFFFD", 1).Veth("veth\uFFFD", 2).Namespace(1, pins: ["/run/netns/a"]).Namespace(2, pins: ["/run/netns/b"])
            .Veth("vethgood", 3).Namespace(3, pins: ["/run/netns/c"])
            .Build();
        var verdicts = Classifier.Classify(twins, ClassificationPolicy.Default);

        var all = RemediationPlanner.Plan(verdicts, new RemediationRequest([], true, null, null, false), Policy);
        Assert.Equal(2, all.Count(i => i.Interface == "veth\uFFFD" && i.Blockers.SequenceEqual([RefusalReasons.AmbiguousName])));
        Assert.True(Assert.Single(all, i => i.Interface == "vethgood").Go);

        var named = RemediationPlanner.Plan(verdicts, RemediationRequest.ForInterfaces(["veth\uFFFD"], false), Policy);
        AssertRefused(Assert.Single(named), RefusalReasons.AmbiguousName);
    }

    private static void AssertRefused(PlannedItem item, params string[] blockers)
    {
        Assert.Equal(RemediationResults.Refused, item.Result);
        Assert.Equal(blockers, item.Blockers);
        Assert.False(item.Go);
    }

    [Fact]
    public void History_blockers_refuse_too()
    {
        var verdicts = Verdicts().Select(v => v.Link.Name == "vethleak1" ? v with { Blockers = [Blockers.UnstableIdentity, Blockers.TooYoung] } : v).ToList();
        var plan = Plan(RemediationRequest.ForInterfaces(["vethleak1"], false), verdicts: verdicts);
        Assert.Equal([Blockers.UnstableIdentity, Blockers.TooYoung], plan["vethleak1"].Blockers);
        Assert.False(plan["vethleak1"].Go);
    }

    [Fact]
    public void Max_deletes_caps_one_request()
    {
        var plan = Plan(RemediationRequest.ForInterfaces(["vethleak1", "vethleak2"], false), Policy with { MaxDeletes = 1 });
        Assert.True(plan["vethleak1"].Go);
        Assert.Equal([RefusalReasons.MaxDeletes], plan["vethleak2"].Blockers);
    }

    [Fact]
    public void All_is_scoped_by_bridge_and_covers_only_orphans()
    {
        var everything = Plan(new RemediationRequest([], true, null, null, false));
        Assert.Equal(["vethbridged", "vethleak1", "vethleak2", "vethtc"], everything.Keys.Order());
        var bridged = Plan(new RemediationRequest([], true, "docker0", null, false));
        Assert.Equal(["vethbridged"], bridged.Keys);
        var unbridged = Plan(new RemediationRequest([], true, "none", null, false));
        Assert.Equal(["vethleak1", "vethleak2", "vethtc"], unbridged.Keys.Order());
    }

    [Fact]
    public void Release_netns_only_when_every_veth_in_that_namespace_is_deletable()
    {
        var release = Policy with { ReleaseNetns = true };
        var plan = Plan(RemediationRequest.ForInterfaces(["vethleak1"], false), release);
        Assert.Equal(RemediationActions.ReleaseNetns, plan["vethleak1"].Action);

        var oneBlocked = Verdicts().Select(v => v.Link.Name == "vethleak2" ? v with { Blockers = [Blockers.Firewall] } : v).ToList();
        plan = Plan(RemediationRequest.ForInterfaces(["vethleak1"], false), release, oneBlocked);
        Assert.Equal(RemediationActions.Delete, plan["vethleak1"].Action);
    }

    [Fact]
    public void Detach_bridged_plans_detach_then_delete()
    {
        var classification = ClassificationPolicy.Default with { DetachBridged = true };
        var plan = Plan(RemediationRequest.ForInterfaces(["vethbridged"], false), Policy with { DetachBridged = true }, Verdicts(classification));
        Assert.True(plan["vethbridged"].Go);
        Assert.Equal(RemediationActions.DetachDelete, plan["vethbridged"].Action);
    }

    [Fact]
    public void Duplicate_names_are_planned_once()
    {
        var items = RemediationPlanner.Plan(Verdicts(), RemediationRequest.ForInterfaces(["vethleak1", "vethleak1"], false), Policy);
        Assert.Single(items);
    }
}

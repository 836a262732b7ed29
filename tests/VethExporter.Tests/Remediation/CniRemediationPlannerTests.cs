using VethExporter.Classification;
using VethExporter.Remediation;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Remediation;

/// <summary>A veth a CNI ADD made goes only with its attachment, by cni_del; a leak whose netns is gone is reached by `all`.</summary>
public sealed class CniRemediationPlannerTests
{
    private static readonly RemediationPolicy Policy = new(MaxDeletes: 20, DetachBridged: false, ReleaseNetns: false);

    private static (List<VethVerdict> Verdicts, List<AttachmentVerdict> Attachments) Scan()
    {
        var hosts = new InventoryBuilder().Bridge("cni0")
            .Veth("vethlive", 0, master: "cni0", mac: "02:00:00:00:01:aa").Namespace(0, pids: [100])
            .Veth("vethleak", 1, master: "cni0", mac: "02:00:00:00:01:bb").Namespace(1, pins: ["/run/netns/p"])
            .Veth("vethdoubt", 2, mac: "02:00:00:00:01:cc").Namespace(2, pins: ["/run/netns/d"])
            .Veth("vethplain", 3).Namespace(3, pins: ["/run/netns/q"]);
        var cni = new CniBuilder()
            .Attachment("podnet", "aaaa000011112222", "vethlive", "02:00:00:00:01:aa", "/run/netns/l", "10.22.0.2").Path("/run/netns/l", 4026532000)
            .Attachment("podnet", "bbbb000011112222", "vethleak", "02:00:00:00:01:bb", "/run/netns/p", "10.22.0.3").Path("/run/netns/p", 4026532001)
            .Attachment("podnet", "cccc000011112222", "vethdoubt", "02:00:00:00:01:cc", "/run/netns/d", "10.22.0.4").Path("/run/netns/d", 4026539999)
            .Attachment("podnet", "dddd000011112222", "vethgone", "02:00:00:00:01:dd", "/run/netns/g", "10.22.0.5").Path("/run/netns/g", null);
        var inventory = hosts.Build();
        var context = BlockerContext.From(inventory, new HashSet<string>(), ClassificationPolicy.Default);
        var verdicts = Classifier.Classify(inventory, ClassificationPolicy.Default)
            .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v).ToList();
        return (verdicts, cni.Judge(inventory, verdicts));
    }

    private static Dictionary<string, PlannedItem> Plan(RemediationRequest request, int maxDeletes = 20)
    {
        var (verdicts, attachments) = Scan();
        return RemediationPlanner.Plan(verdicts, request, Policy with { MaxDeletes = maxDeletes }, attachments: attachments).ToDictionary(i => i.Interface);
    }

    [Fact]
    public void All_cleans_leaked_attachments_by_cni_del_and_leaves_doubt_and_plain_veths_to_their_own_rules()
    {
        var plan = Plan(new RemediationRequest([], All: true, null, null, DryRun: false));

        // The bridge port blocks a bare delete by default, not the DEL that the bridge plugin itself undoes.
        Assert.True(plan["vethleak"].Go);
        Assert.Equal(RemediationActions.CniDel, plan["vethleak"].Action);
        Assert.Equal("bbbb000011112222", plan["vethleak"].Attachment?.Key.ContainerId);
        // No veth names it: it goes by its key.
        var gone = plan["podnet/dddd000011112222/eth0"];
        Assert.True(gone.Go);
        Assert.Equal(RemediationActions.CniDel, gone.Action);
        Assert.Null(gone.Verdict);
        // A veth of an attachment in doubt is not deleted alone: that would strand its lease and chains.
        Assert.Equal(RemediationResults.Refused, plan["vethdoubt"].Result);
        Assert.Equal([RefusalReasons.AttachmentUnknown], plan["vethdoubt"].Blockers);
        // A veth no CNI cache names is judged as before.
        Assert.True(plan["vethplain"].Go);
        Assert.Equal(RemediationActions.Delete, plan["vethplain"].Action);
        Assert.False(plan.ContainsKey("vethlive"));
    }

    [Fact]
    public void A_bridge_scope_reaches_no_attachment_without_a_veth_and_cni_del_counts_against_the_budget()
    {
        var bridged = Plan(new RemediationRequest([], All: true, "cni0", null, DryRun: true));
        Assert.Equal(["vethleak"], bridged.Keys);

        var tight = Plan(new RemediationRequest([], All: true, null, null, DryRun: false), maxDeletes: 1);
        Assert.Single(tight.Values, i => i.Go);
        Assert.Contains(tight.Values, i => i.Blockers.Contains(RefusalReasons.MaxDeletes));
    }

    [Fact]
    public void A_named_veth_of_a_leaked_attachment_goes_by_cni_del_and_of_a_live_one_is_not_an_orphan()
    {
        var plan = Plan(RemediationRequest.ForInterfaces(["vethleak", "vethlive"], dryRun: false));

        Assert.Equal(RemediationActions.CniDel, plan["vethleak"].Action);
        Assert.Equal([RefusalReasons.NotOrphan], plan["vethlive"].Blockers);
    }
}

using Microsoft.Extensions.Time.Testing;
using VethExporter.Alertmanager;
using VethExporter.Metrics;
using VethExporter.Remediation;

namespace VethExporter.Tests.Alertmanager;

public class AlertIntakeTests
{
    private static readonly FiringAlert Ours = new("fp-ours", DateTimeOffset.UnixEpoch, "VethOrphansAccumulating", "127.0.0.1:9814", "cni0", null, null);
    private static readonly FiringAlert Theirs = Ours with { Fingerprint = "fp-theirs", Instance = "192.0.2.7:9814" };

    private static AlertIntake Intake(Func<int>? hourlyRemaining = null) => new(
        new AlertSelection(["VethOrphansAccumulating"], new InstanceMatcher(new HashSet<string> { "127.0.0.1" }, new HashSet<int> { 9814 })),
        new SeenAlerts(new FakeTimeProvider()), new RemediationMetrics(Prometheus.Metrics.NewCustomRegistry()), hourlyRemaining);

    private static RemediationResponse RefusedFor(string blocker) => new("r1", false,
        [new InterfaceResult("veth1", RemediationResults.Refused, RemediationActions.None, 7, "cni0", "orphan", "pinned_no_process", [blocker], null)]);

    [Fact]
    public void One_batch_per_notification_with_the_alerts_of_this_exporter_each_taken_once()
    {
        var intake = Intake();
        var batch = intake.Take([Ours, Theirs], AlertIntake.PullSource, dryRun: true);
        Assert.Equal([Ours], batch.Alerts);
        var work = Assert.Single(batch.Work);
        Assert.True(work.Request.DryRun);
        Assert.Equal("cni0", work.Request.Bridge);
        Assert.Equal("alertmanager_pull:VethOrphansAccumulating/fp-ours", work.Caller);
        Assert.Contains(batch.Ignored, i => i.Fingerprint == "fp-theirs" && i.Why.Contains("not this exporter", StringComparison.Ordinal));

        var again = intake.Take([Ours], AlertIntake.PullSource, dryRun: true);
        Assert.Empty(again.Work);
        Assert.Contains("already acted on", Assert.Single(again.Ignored).Why);
    }

    [Theory]
    [InlineData(RefusalReasons.MaxDeletes, true)]
    [InlineData(RefusalReasons.MaxDeletesPerHour, true)]
    [InlineData("bridge_port", false)]
    public void An_alert_whose_run_a_budget_cut_short_is_taken_again(string blocker, bool again)
    {
        var intake = Intake();
        var batch = intake.Take([Ours], AlertIntake.WebhookSource, dryRun: false);
        intake.Settle(batch, [RefusedFor(blocker)]);

        Assert.Equal(again, intake.Take([Ours], AlertIntake.WebhookSource, dryRun: false).Work.Count == 1);
    }

    [Fact]
    public void An_abandoned_batch_can_be_taken_up_again()
    {
        var intake = Intake();
        intake.Abandon(intake.Take([Ours], AlertIntake.WebhookSource, dryRun: false));
        Assert.Single(intake.Take([Ours], AlertIntake.WebhookSource, dryRun: false).Work);
    }

    [Fact]
    public void An_alert_refused_for_the_hourly_budget_waits_until_the_budget_has_room()
    {
        int remaining = 0;
        var intake = Intake(() => remaining);
        intake.Settle(intake.Take([Ours], AlertIntake.PullSource, dryRun: false), [RefusedFor(RefusalReasons.MaxDeletesPerHour)]);

        var waiting = intake.Take([Ours], AlertIntake.PullSource, dryRun: false);
        Assert.Empty(waiting.Work);
        Assert.Contains("hourly deletion budget", Assert.Single(waiting.Ignored).Why);

        remaining = 1;
        Assert.Single(intake.Take([Ours], AlertIntake.PullSource, dryRun: false).Work);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VethExporter.Alertmanager;
using VethExporter.Metrics;
using VethExporter.Web;
using VethExporter.Remediation;

namespace VethExporter.Tests.Web;

public class WebhookWorkerTests
{
    [Fact]
    public async Task A_batch_that_throws_is_logged_and_the_worker_goes_on_with_the_next()
    {
        var intake = new AlertIntake(
            new AlertSelection(["VethOrphansAccumulating"], new InstanceMatcher(new HashSet<string> { "127.0.0.1" }, new HashSet<int> { 9814 })),
            new SeenAlerts(new FakeTimeProvider()), new RemediationMetrics(Prometheus.Metrics.NewCustomRegistry()));
        var alert = new FiringAlert("fp", DateTimeOffset.UnixEpoch, "VethOrphansAccumulating", "127.0.0.1:9814", "cni0", null, null);
        var backlog = new WebhookBacklog();
        var ran = new List<string>();
        var second = new TaskCompletionSource();
        using var worker = new WebhookWorker(backlog, (batch, _) =>
        {
            ran.Add(batch.Alerts[0].Fingerprint);
            if (ran.Count == 1) throw new InvalidOperationException("boom");
            second.SetResult();
            return Task.CompletedTask;
        }, intake, NullLogger.Instance);

        await worker.StartAsync(CancellationToken.None);
        Assert.True(backlog.TryEnqueue(intake.Take([alert], AlertIntake.WebhookSource, dryRun: false)));
        // The failed batch's alert may be taken up again: the repeat is a new batch, and it runs.
        await Eventually(() => ran.Count == 1);
        Assert.True(backlog.TryEnqueue(intake.Take([alert], AlertIntake.WebhookSource, dryRun: false)));
        await second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["fp", "fp"], ran);
        Assert.False(worker.ExecuteTask!.IsCompleted);
        await worker.StopAsync(CancellationToken.None);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VethExporter.Metrics;
using VethExporter.Remediation;

namespace VethExporter.Alertmanager;

/// <summary>
/// Pull mode (ARCHITECTURE §8): every interval, read the remediation alerts that name this exporter from
/// Alertmanager and run them through the verified path as one batch. Alertmanager down or answering
/// junk changes nothing: it is counted, logged, and the next poll tries again. A silence there is the
/// fleet's kill switch: a silenced alert is never returned, and never acted on if it is.
/// </summary>
internal sealed partial class AlertmanagerPoller(
    AlertmanagerClient client,
    AlertIntake intake,
    Remediator remediator,
    RemediationMetrics metrics,
    AlertmanagerPullOptions options,
    TimeProvider clock,
    ILogger<AlertmanagerPoller> logger) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.EnablePullMode();
        using var timer = new PeriodicTimer(options.Interval, clock);
        do
        {
            try
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failure of one poll's remediation must not end polling (or the process).
                LogPollCrashed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        metrics.Polls.Inc();
        var answer = await client.FetchAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Error is not null)
        {
            metrics.PollFailures.Inc();
            metrics.AlertmanagerUp.Set(0);
            LogPollFailed(logger, client.AlertsUrl, answer.Error);
            _failing = true;
            return;
        }
        metrics.AlertmanagerUp.Set(1);
        metrics.LastPollSuccess.Set(clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
        if (_failing) LogPollRecovered(logger, client.AlertsUrl);
        _failing = false;

        var batch = intake.Take(answer.Active, AlertIntake.PullSource, options.DryRun);
        if (batch.Work.Count == 0) return;
        var responses = await remediator.RemediateBatchAsync(batch.Work, batch.Source, cancellationToken).ConfigureAwait(false);
        intake.Settle(batch, responses);
        int deleted = 0, wouldDelete = 0, refused = 0;
        foreach (var result in responses.SelectMany(r => r.Results))
        {
            if (result.Result == RemediationResults.Deleted) deleted++;
            else if (result.Result == RemediationResults.WouldDelete) wouldDelete++;
            else if (result.Result == RemediationResults.Refused) refused++;
        }
        LogActed(logger, batch.Alerts.Count, deleted, wouldDelete, refused);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "polling Alertmanager at {Url} failed: {Error}; nothing was done")]
    private static partial void LogPollFailed(ILogger logger, Uri url, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "polling Alertmanager at {Url} works again")]
    private static partial void LogPollRecovered(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Error, Message = "a pull-mode remediation run failed; polling goes on")]
    private static partial void LogPollCrashed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "pull mode: {Alerts} alerts acted on: {Deleted} deleted, {WouldDelete} would be deleted, {Refused} refused")]
    private static partial void LogActed(ILogger logger, int alerts, int deleted, int wouldDelete, int refused);
}

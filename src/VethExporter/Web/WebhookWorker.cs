using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VethExporter.Alertmanager;

namespace VethExporter.Web;

/// <summary>
/// Runs the batches that Alertmanager's webhook queued, one notification after another. A batch that
/// fails is logged and its alerts may be taken up again; it never ends the worker, nor the process.
/// </summary>
internal sealed partial class WebhookWorker(WebhookBacklog queue, Func<AlertBatch, CancellationToken, Task> run, AlertIntake intake, ILogger logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await run(batch, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                intake.Abandon(batch);
                LogBatchFailed(logger, batch.Alerts.Count, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "a webhook notification of {Alerts} alerts failed; the next notification may take them up again")]
    private static partial void LogBatchFailed(ILogger logger, int alerts, Exception exception);
}

using System.Threading.Channels;
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

/// <summary>
/// Hands the batch of each webhook notification to a background worker, so Alertmanager gets its 2xx at
/// once instead of waiting for scans and deletions. Bounded: a flood is answered 503, not buffered forever.
/// </summary>
public sealed class WebhookBacklog
{
    private readonly Channel<AlertBatch> _channel =
        Channel.CreateBounded<AlertBatch>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(AlertBatch batch) => _channel.Writer.TryWrite(batch);

    public ChannelReader<AlertBatch> Reader => _channel.Reader;
}

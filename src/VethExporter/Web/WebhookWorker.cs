using Microsoft.Extensions.Hosting;
using VethExporter.Alertmanager;
using VethExporter.Remediation;

namespace VethExporter.Web;

/// <summary>Runs the batches that Alertmanager's webhook queued, one notification after another.</summary>
internal sealed class WebhookWorker(WebhookBacklog queue, Remediator remediator, AlertIntake intake) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var responses = await remediator.RemediateBatchAsync(batch.Work, batch.Source, stoppingToken).ConfigureAwait(false);
            intake.Settle(batch, responses);
        }
    }
}

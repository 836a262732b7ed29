using Microsoft.Extensions.Hosting;
using VethExporter.Remediation;

namespace VethExporter.Web;

/// <summary>Runs the remediation requests that Alertmanager's webhook queued, one after another.</summary>
internal sealed class WebhookWorker(WebhookBacklog queue, Remediator remediator) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (request, caller) in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            await remediator.RemediateAsync(request, caller, "alertmanager", stoppingToken).ConfigureAwait(false);
        }
    }
}

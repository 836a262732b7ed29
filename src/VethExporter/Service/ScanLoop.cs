using Microsoft.Extensions.Hosting;

namespace VethExporter.Service;

/// <summary>Scans at start and then every --scan.interval; a slow scan delays the next tick, never overlaps it.</summary>
public sealed class ScanLoop(ScanCoordinator coordinator, TimeSpan interval) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await coordinator.ScanNowAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await coordinator.ScanNowAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}

using System.Threading.Channels;
using VethExporter.Alertmanager;

namespace VethExporter.Web;

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

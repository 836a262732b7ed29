using System.Threading.Channels;
using VethExporter.Remediation;

namespace VethExporter.Web;

/// <summary>
/// Hands webhook-triggered requests to a background worker, so Alertmanager gets its 2xx at once
/// instead of waiting for scans and deletions. Bounded: a flood is answered 503, not buffered forever.
/// </summary>
public sealed class WebhookBacklog
{
    private readonly Channel<(RemediationRequest Request, string Caller)> _channel =
        Channel.CreateBounded<(RemediationRequest, string)>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait });

    public bool TryEnqueue(RemediationRequest request, string caller) => _channel.Writer.TryWrite((request, caller));

    public ChannelReader<(RemediationRequest Request, string Caller)> Reader => _channel.Reader;
}

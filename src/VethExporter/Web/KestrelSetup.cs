using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using VethExporter.WebConfig;

namespace VethExporter.Web;

/// <summary>
/// Every listener and limit of serve. An exporter answers a few scrapers and the odd person; the limits
/// keep a flood of connections or slow requests from costing more than bounded memory and descriptors.
/// </summary>
public static class KestrelSetup
{
    /// <summary>Large enough for the webhook's 1 MiB limit, so that the endpoint itself answers 413.</summary>
    public const long MaxRequestBodyBytes = 2 * 1024 * 1024;

    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static void Configure(KestrelServerOptions kestrel, IReadOnlyList<string> webAddresses, ServingOptions serving, TlsServer? tls, TlsServer? remediationTls)
    {
        var limits = kestrel.Limits;
        limits.MaxConcurrentConnections = serving.MaxConnections == 0 ? null : serving.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.KeepAliveTimeout = serving.IdleTimeout;
        limits.RequestHeadersTimeout = serving.ReadHeaderTimeout;
        limits.MaxRequestBodySize = MaxRequestBodyBytes;
        limits.MaxRequestHeadersTotalSize = 16 * 1024;
        limits.MaxRequestHeaderCount = 64;
        limits.MaxRequestLineSize = 8 * 1024;
        // A body or response that trickles slower than this is dropped after the grace period.
        limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        limits.Http2.MaxStreamsPerConnection = 16;
        kestrel.AddServerHeader = false;

        bool http2 = tls is not null && serving.WebConfig.Http2;
        bool remediationHttp2 = remediationTls is not null && serving.RemediationWebConfig.Http2;
        foreach (var address in webAddresses) ListenAddress.Apply(kestrel, address, listen => Secure(listen, tls, http2));
        var remediationBudget = new ConnectionBudget(serving.RemediationMaxConnections);
        foreach (var address in serving.RemediationListenAddresses)
        {
            ListenAddress.Apply(kestrel, address, listen =>
            {
                // Before TLS: a connection past the budget costs no handshake.
                listen.Use(remediationBudget.Guard);
                Secure(listen, remediationTls, remediationHttp2);
                listen.Use(next => connection =>
                {
                    connection.Features.Set(RemediationListenerFeature.Instance);
                    return next(connection);
                });
            }, "remediation.listen-address");
        }
    }

    private static void Secure(ListenOptions listen, TlsServer? tls, bool http2)
    {
        listen.Protocols = http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        if (tls is null) return;
        List<SslApplicationProtocol> alpn = http2 ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11] : [SslApplicationProtocol.Http11];
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(tls.OptionsFor(alpn)),
            HandshakeTimeout = HandshakeTimeout,
        });
    }
}

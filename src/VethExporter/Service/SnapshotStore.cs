namespace VethExporter.Service;

/// <summary>
/// Holds the latest published snapshot; scrapes and API calls read it, only scans write it. The served
/// documents are rendered once per publish, so a request costs a copy of bytes, however many arrive.
/// </summary>
public sealed class SnapshotStore
{
    private static readonly RenderedPages Nothing = new(null, []);

    private sealed record Current(PublishedScan? Snapshot, RenderedPages Rendered);

    private readonly Func<PublishedScan?, RenderedPages>? _render;
    private volatile Current _current;
    private volatile bool _stalled;
    private volatile bool _announced;

    /// <param name="render">Renders the served documents; null where nothing is served (the remediate command).</param>
    public SnapshotStore(Func<PublishedScan?, RenderedPages>? render = null)
    {
        _render = render;
        _current = new Current(null, render?.Invoke(null) ?? Nothing);
    }

    public PublishedScan? Latest => _current.Snapshot;

    /// <summary>The documents of the latest snapshot (or of "no scan yet"), from the same publish as <see cref="Latest"/>.</summary>
    public RenderedPages Rendered => _current.Rendered;

    /// <summary>
    /// Ready once one scan has succeeded and everything made from it (the metrics page too) is out, and not
    /// while a scan is hung past its deadline: a scrape right after /readyz says yes shows that scan.
    /// </summary>
    public bool Ready => _current.Snapshot is not null && _announced && !_stalled;

    /// <summary>Why <see cref="Ready"/> is false, for /readyz.</summary>
    public string NotReadyReason => _stalled ? "a scan is hung past --scan.timeout" : "no successful scan yet";

    public void Publish(PublishedScan snapshot) =>
        _current = new Current(snapshot, _render?.Invoke(snapshot) ?? Nothing);

    public void SetStalled(bool stalled) => _stalled = stalled;

    /// <summary>The coordinator's word that every observer has seen the published scan.</summary>
    public void MarkAnnounced() => _announced = true;
}

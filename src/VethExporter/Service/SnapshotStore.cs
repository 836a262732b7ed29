namespace VethExporter.Service;

/// <summary>Holds the latest published snapshot; scrapes and API calls read it, only scans write it.</summary>
public sealed class SnapshotStore
{
    private volatile PublishedSnapshot? _latest;
    private volatile bool _stalled;

    public PublishedSnapshot? Latest => _latest;

    /// <summary>Ready once one scan has succeeded, and not while a scan is hung past its deadline.</summary>
    public bool Ready => _latest is not null && !_stalled;

    /// <summary>Why <see cref="Ready"/> is false, for /readyz.</summary>
    public string NotReadyReason => _stalled ? "a scan is hung past --scan.timeout" : "no successful scan yet";

    public void Publish(PublishedSnapshot snapshot) => _latest = snapshot;

    public void SetStalled(bool stalled) => _stalled = stalled;
}

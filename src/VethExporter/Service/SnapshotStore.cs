namespace VethExporter.Service;

/// <summary>Holds the latest published snapshot; scrapes and API calls read it, only scans write it.</summary>
public sealed class SnapshotStore
{
    private volatile PublishedSnapshot? _latest;

    public PublishedSnapshot? Latest => _latest;

    /// <summary>Ready once one scan has succeeded.</summary>
    public bool Ready => _latest is not null;

    public void Publish(PublishedSnapshot snapshot) => _latest = snapshot;
}

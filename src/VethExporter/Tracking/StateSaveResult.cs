namespace VethExporter.Tracking;

/// <summary>
/// The outcome of one save. Saving runs after every scan, so <see cref="StatusChanged"/> tells the caller
/// when to log: once when saving starts failing, once when it recovers, never on every scan in between.
/// </summary>
public sealed record StateSaveResult(StateSaveStatus Status, string Message, bool StatusChanged)
{
    public bool Failed => Status == StateSaveStatus.Failed;
}

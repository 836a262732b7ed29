namespace VethExporter.Tracking;

/// <summary>
/// The outcome of loading the state file, for the caller to log (and count when <see cref="Status"/> is
/// <see cref="StateLoadStatus.Corrupt"/>). Loading never throws: losing history is better than not starting.
/// </summary>
/// <param name="SetAsidePath">Where an unusable file was moved, or null when it was not (or could not be).</param>
public sealed record StateLoadResult(StateLoadStatus Status, string Message, string? SetAsidePath = null)
{
    public bool Failed => Status == StateLoadStatus.Corrupt;
}

/// <summary>How loading the state file went.</summary>
public enum StateLoadStatus
{
    /// <summary>No state file is configured: history lives in memory only.</summary>
    Disabled,

    /// <summary>No state file yet: a fresh start, as on first run.</summary>
    Missing,

    /// <summary>History restored from the file.</summary>
    Restored,

    /// <summary>The file was unreadable, malformed or of an unknown version: set aside, fresh start.</summary>
    Corrupt,
}

/// <summary>
/// The outcome of one save. Saving runs after every scan, so <see cref="StatusChanged"/> tells the caller
/// when to log: once when saving starts failing, once when it recovers, never on every scan in between.
/// </summary>
public sealed record StateSaveResult(StateSaveStatus Status, string Message, bool StatusChanged)
{
    public bool Failed => Status == StateSaveStatus.Failed;
}

/// <summary>How saving the state file went.</summary>
public enum StateSaveStatus
{
    /// <summary>No state file is configured.</summary>
    Disabled,

    /// <summary>Written and synced.</summary>
    Saved,

    /// <summary>Not written: history is kept in memory and the next save tries again.</summary>
    Failed,
}

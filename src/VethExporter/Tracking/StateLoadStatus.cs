namespace VethExporter.Tracking;

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

namespace VethExporter.Tracking;

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

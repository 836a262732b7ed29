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

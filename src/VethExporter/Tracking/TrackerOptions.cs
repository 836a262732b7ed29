namespace VethExporter.Tracking;

/// <summary>How the tracker judges history.</summary>
public sealed record TrackerOptions
{
    /// <summary>--remediation.min-age: orphans younger than this carry too_young.</summary>
    public TimeSpan MinAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The trailing window of veth_bridge_leak_rate_per_hour.</summary>
    public TimeSpan LeakRateWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>--scan.interval: decides whether a restart was short enough to count as one scan gap.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a restart, the last scan before it counts as "the previous scan" only if the first scan after it
    /// comes within this gap: two scan intervals leave room for one missed scan and a restart of a few
    /// seconds, while anything longer could hide an interface that went away and came back.
    /// </summary>
    public TimeSpan RestartContinuity => ScanInterval * 2;

    public static TrackerOptions Default { get; } = new();
}

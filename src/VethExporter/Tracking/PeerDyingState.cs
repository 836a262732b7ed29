namespace VethExporter.Tracking;

/// <summary>
/// A link whose peer namespace is in teardown, and since when. Name and MAC are kept with the ifindex so
/// that a reused ifindex starts its own clock instead of inheriting an old one and turning stuck at once.
/// </summary>
public sealed record PeerDyingState(int Ifindex, string Name, string Mac, DateTimeOffset Since);

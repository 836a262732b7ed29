namespace VethExporter.HostInventory;

/// <summary>A network namespace bind-mounted (pinned) at <see cref="MountPoint"/>, as one mountinfo shows it.</summary>
/// <param name="Reachable">
/// Opening <see cref="MountPoint"/> reaches this very mount: nothing is mounted over it or over a directory
/// above it later, and no directory on the way is served by a filesystem whose lookups can block (FUSE,
/// autofs). An unreachable pin still holds its namespace; we just must not open it.
/// </param>
public sealed record NsfsMount(ulong NetnsInode, string MountPoint, bool Reachable = true);

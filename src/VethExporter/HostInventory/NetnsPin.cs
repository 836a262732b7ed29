namespace VethExporter.HostInventory;

/// <summary>
/// A bind mount that keeps a network namespace alive. <see cref="OpenPath"/> reaches it from our own
/// mount namespace: the mount point itself when it is ours, else through /proc/PID/root of a task that
/// lives in the mount namespace that holds it. <see cref="Reachable"/>: nothing covers it, so opening or
/// unmounting that path reaches this mount (see <see cref="NsfsMount"/>).
/// </summary>
public sealed record NetnsPin(ulong NetnsInode, string MountPoint, ulong MountNsInode, string OpenPath, bool InOwnMountNs, bool Reachable = true);

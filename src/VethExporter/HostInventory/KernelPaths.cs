namespace VethExporter.HostInventory;

/// <summary>
/// Every kernel root the inventory reads, in one place. <see cref="Procfs"/> must belong to the host's
/// PID namespace for "no process holds it" to mean anything; <see cref="ScannedNetns"/> is the namespace
/// treated as the host (null: our own).
/// </summary>
public sealed record KernelPaths(string Procfs = "/proc", string? ScannedNetns = null)
{
    /// <summary>Our own namespaces are read from the /proc we run under, not from <see cref="Procfs"/>.</summary>
    public const string OwnNetns = "/proc/self/ns/net";

    public const string OwnMountNs = "/proc/self/ns/mnt";
}

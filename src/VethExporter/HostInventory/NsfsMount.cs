namespace VethExporter.HostInventory;

/// <summary>A network namespace bind-mounted (pinned) at <see cref="MountPoint"/>, as one mountinfo shows it.</summary>
public sealed record NsfsMount(ulong NetnsInode, string MountPoint);

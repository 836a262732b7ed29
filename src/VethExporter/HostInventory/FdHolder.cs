namespace VethExporter.HostInventory;

/// <summary>An open file descriptor of process <see cref="Pid"/> that refers to a network namespace.</summary>
public sealed record FdHolder(ulong NetnsInode, int Pid, int Fd, string OpenPath);

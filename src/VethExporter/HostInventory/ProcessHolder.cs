namespace VethExporter.HostInventory;

/// <summary>
/// A process (thread group) with a live thread in a namespace. <see cref="State"/> is the state letter
/// of that thread (R, S, D, T…; '?' when not read): a stopped or D-state task still holds the namespace.
/// </summary>
public readonly record struct ProcessHolder(int Pid, int Tid, char State);

namespace VethExporter.HostInventory;

/// <summary>A task (thread) whose network namespace link points at a namespace; zombies never appear.</summary>
public readonly record struct TaskHolder(int Pid, int Tid);

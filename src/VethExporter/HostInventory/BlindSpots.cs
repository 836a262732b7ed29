namespace VethExporter.HostInventory;

/// <summary>What one inventory pass could not see; any of it makes "no process holds it" unsafe.</summary>
internal sealed record BlindSpots(int TasksSeen, int UnresolvedTasks, int UnopenablePins, int FdDeniedProcesses);

namespace VethExporter.HostInventory;

/// <summary>What one inventory pass could not see; any of it makes "no process holds it" unsafe.</summary>
/// <param name="UnopenablePins">Namespaces whose pins could not be opened and verified (denied, covered, replaced).</param>
/// <param name="DeniedMountinfo">Mount namespaces whose mountinfo we may not read.</param>
/// <param name="SharedNsids">Namespace ids that more than one namespace claimed: one of the views is wrong.</param>
/// <param name="DeniedTaskLists">Processes whose thread list we may not read.</param>
internal sealed record BlindSpots(
    int TasksSeen,
    int UnresolvedTasks,
    int UnopenablePins,
    int FdDeniedProcesses,
    int DeniedMountinfo = 0,
    int SharedNsids = 0,
    int DeniedTaskLists = 0,
    TaskListing? Listing = null);

namespace VethExporter.Firewall;

/// <summary>What the kernel tells us, before any tool runs, about one kind of firewall table.</summary>
public enum KernelTables
{
    /// <summary>Proven absent: no tool is needed, and none is run (listing could load modules or create tables).</summary>
    Absent,

    /// <summary>Tables exist, or the feature is there: the tool must list them.</summary>
    Present,

    /// <summary>Nothing proves either way: the tool must list them.</summary>
    Unknown,
}

namespace VethExporter.Interop;

/// <summary>What lstat says of a path itself: type, owner and permission bits.</summary>
internal readonly record struct FileOwnership(bool IsRegular, bool IsDirectory, bool IsSymlink, uint Uid, uint Mode)
{
    /// <summary>Writable by group or others: anyone but its owner could change it.</summary>
    public bool WritableByOthers => (Mode & 0b000_010_010) != 0;

    public bool Executable => (Mode & 0b001_001_001) != 0;
}


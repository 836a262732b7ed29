namespace VethExporter.KernelTests.Support;

/// <summary>
/// A procfs for --path.procfs that is the real one, entry by entry through symlinks (those
/// <c>keep</c> accepts), except for loadavg, a file the test controls: a regular copy until
/// <see cref="Arm"/> puts a FIFO there, whose open blocks until <see cref="Release"/>. It stands for any
/// system call that never returns.
/// </summary>
public sealed class MirroredProcfs : IDisposable
{
    private FileStream? _writer;

    public MirroredProcfs(Func<string, bool>? keep = null)
    {
        Root = System.IO.Directory.CreateTempSubdirectory("vxt-procfs-").FullName;
        foreach (var entry in new DirectoryInfo("/proc").EnumerateFileSystemInfos())
        {
            if (entry.Name != "loadavg" && (keep?.Invoke(entry.Name) ?? true))
                File.CreateSymbolicLink(Path.Combine(Root, entry.Name), entry.FullName);
        }
        WriteLoadavg();
    }

    public string Root { get; }

    private string Loadavg => Path.Combine(Root, "loadavg");

    /// <summary>From now on, opening loadavg blocks.</summary>
    public void Arm()
    {
        string fifo = Path.Combine(Root, "loadavg.fifo");
        Tools.Run("mkfifo", fifo);
        File.Move(fifo, Loadavg, overwrite: true);
    }

    /// <summary>Puts a regular loadavg back and lets the reader blocked on the FIFO go.</summary>
    public void Release()
    {
        // Opening for writing succeeds at once because a reader is waiting; the regular file goes in
        // place before the reader gets its data, so its next open does not block again.
        _writer = new FileStream(Loadavg, FileMode.Open, FileAccess.Write);
        WriteLoadavg();
        _writer.Write(File.ReadAllBytes("/proc/loadavg"));
        _writer.Dispose();
        _writer = null;
    }

    private void WriteLoadavg()
    {
        string copy = Path.Combine(Root, "loadavg.new");
        File.WriteAllBytes(copy, File.ReadAllBytes("/proc/loadavg"));
        File.Move(copy, Loadavg, overwrite: true);
    }

    public void Dispose()
    {
        _writer?.Dispose();
        System.IO.Directory.Delete(Root, recursive: true);
    }
}

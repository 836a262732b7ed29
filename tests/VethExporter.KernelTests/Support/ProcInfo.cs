namespace VethExporter.KernelTests.Support;

/// <summary>Reads a few /proc facts the tests assert on, so each test checks it built what it claims.</summary>
public static class ProcInfo
{
    /// <summary>The state letter of a task, or null when it is gone.</summary>
    public static char? State(int pid, int? tid = null)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/task/{tid ?? pid}/stat");
            return stat[stat.LastIndexOf(')') + 2];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The parent pid of a process (field 4 of /proc/PID/stat, after the parenthesised name).</summary>
    public static int ParentOf(int pid) =>
        int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    public static int[] Children(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{pid}/children")
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static int[] Threads(int pid) =>
        Directory.Exists($"/proc/{pid}/task")
            ? Directory.GetDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d))).ToArray()
            : [];

    /// <summary>True when the task's network namespace link can be read (a zombie's cannot).</summary>
    public static bool HasNetns(int pid, int? tid = null)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/task/{tid ?? pid}/ns/net").LinkTarget is not null;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

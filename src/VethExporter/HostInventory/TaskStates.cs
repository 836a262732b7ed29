using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>The processes of one namespace with their state letters (R, S, D, T…), read from their stat files.</summary>
internal static class TaskStates
{
    /// <summary>A namespace with more processes than this is plainly in use; the rest are listed without a state.</summary>
    private const int MaxReadPerNamespace = 32;

    /// <param name="readStates">Only a peer namespace's processes are worth a stat file each.</param>
    public static List<ProcessHolder> Processes(KernelPaths paths, List<TaskHolder>? tasks, bool readStates)
    {
        if (tasks is null) return [];
        var processes = new List<ProcessHolder>();
        foreach (var task in tasks.DistinctBy(t => t.Pid))
        {
            char state = '?';
            if (readStates && processes.Count < MaxReadPerNamespace)
            {
                var stat = PosixFile.TryReadAll($"{paths.Procfs}/{task.Pid}/task/{task.Tid}/stat", out _);
                if (stat is null || !TaskStatParser.TryParseState(stat, out state)) state = '?';
            }
            processes.Add(new ProcessHolder(task.Pid, task.Tid, state));
        }
        return processes;
    }
}

/// <summary>Reads the state letter from /proc/PID/task/TID/stat (R, S, D, T, t, Z, X, I…).</summary>
internal static class TaskStatParser
{
    /// <summary>The command name may itself contain ") ", so the state follows the last ')'.</summary>
    public static bool TryParseState(ReadOnlySpan<byte> stat, out char state)
    {
        state = '?';
        int close = stat.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= stat.Length || stat[close + 1] != (byte)' ') return false;
        state = (char)stat[close + 2];
        return char.IsAsciiLetter(state);
    }
}

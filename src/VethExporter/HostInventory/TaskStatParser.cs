namespace VethExporter.HostInventory;

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

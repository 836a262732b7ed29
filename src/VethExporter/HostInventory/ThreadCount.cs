using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>Reads the kernel's thread count, the fourth field of /proc/loadavg ("0.00 0.01 0.05 2/345 6789").</summary>
internal static class ThreadCount
{
    public static long Read(string procfs)
    {
        var loadavg = PosixFile.TryReadAll($"{procfs}/loadavg", out _);
        return loadavg is null ? -1 : Parse(loadavg);
    }

    /// <returns>The count after the slash of the fourth field, or -1 when the text is not loadavg.</returns>
    public static long Parse(ReadOnlySpan<byte> loadavg)
    {
        int field = 0;
        foreach (var range in loadavg.TrimEnd((byte)'\n').Split((byte)' '))
        {
            if (field++ != 3) continue;
            var running = loadavg[range];
            int slash = running.IndexOf((byte)'/');
            return slash > 0 && System.Buffers.Text.Utf8Parser.TryParse(running[(slash + 1)..], out long total, out int used)
                && used == running.Length - slash - 1 ? total : -1;
        }
        return -1;
    }
}

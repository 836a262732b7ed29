using System.Runtime.InteropServices;

namespace VethExporter.KernelTests.Support;

/// <summary>Raises this process's RLIMIT_NOFILE soft limit (children inherit it) so a test can hold thousands of sockets.</summary>
public static partial class FileLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>Makes at least wanted descriptors available, or skips the test saying why.</summary>
    public static ulong Ensure(ulong wanted)
    {
        Skip.If(getrlimit(RlimitNofile, out var limit) != 0, "getrlimit(RLIMIT_NOFILE) failed");
        if (limit.Current >= wanted) return limit.Current;
        Skip.If(limit.Maximum < wanted, $"RLIMIT_NOFILE hard limit {limit.Maximum} is below the {wanted} descriptors this test needs (raise it with ulimit -Hn)");
        limit.Current = wanted;
        Skip.If(setrlimit(RlimitNofile, in limit) != 0, $"setrlimit(RLIMIT_NOFILE, {wanted}) failed");
        return wanted;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in Rlimit limit);
}

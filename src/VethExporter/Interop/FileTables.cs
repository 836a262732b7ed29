using System.Runtime.InteropServices;

namespace VethExporter.Interop;

/// <summary>
/// Whether a thread shares its process's fd table, by kcmp(KCMP_FILES): threads normally do, but a thread
/// that called unshare(CLONE_FILES) has one of its own, and a group leader that exited has none left.
/// </summary>
internal static partial class FileTables
{
    private const int KcmpFiles = 2;

    /// <summary>The kcmp system call number, by architecture; null where we do not know it.</summary>
    private static readonly long? KcmpNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 312,
        Architecture.Arm64 => 272,
        _ => null,
    };

    /// <returns>true when <paramref name="tid"/> uses the same fd table as <paramref name="pid"/>, false when not, null when we cannot tell.</returns>
    public static bool? Shared(int pid, int tid)
    {
        if (KcmpNumber is not long number) return null;
        long result = Syscall(number, pid, tid, KcmpFiles, 0, 0);
        return result switch
        {
            0 => true,
            > 0 => false,
            _ => null, // ESRCH (gone), EPERM, ENOSYS (no CONFIG_KCMP), or EBADF (a leader without files): look
        };
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int pid1, int pid2, int type, ulong idx1, ulong idx2);
}

using System.Runtime.InteropServices;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>errno values and messages without depending on the current culture.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ENOTDIR = 20;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ELOOP = 40;
    public const int ENOBUFS = 105;
    public const int ESTALE = 116;

    public static int Last => LibC.errno;

    /// <summary>A task or file that vanished while we looked: normal on a busy host, never an error.</summary>
    public static bool IsGone(int errno) => errno is ENOENT or ESRCH or ENODEV;

    /// <summary>The caller lacks the privilege to look: the host view is incomplete.</summary>
    public static bool IsDenied(int errno) => errno is EACCES or EPERM;

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}

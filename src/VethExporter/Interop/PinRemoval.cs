using System.Text;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>
/// Takes a network namespace pin away: a lazy unmount that never follows a symlink at the path, then
/// the placeholder file <c>ip netns add</c> made, only if it is still an empty regular file.
/// </summary>
internal static unsafe class PinRemoval
{
    /// <returns>0, or the errno of the unmount (nothing else was touched).</returns>
    public static int Unmount(string mountPoint)
    {
        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        fixed (byte* p = path)
        {
            return LibC.umount2(p, LibC.MNT_DETACH | LibC.UMOUNT_NOFOLLOW) == 0 ? 0 : Errno.Last;
        }
    }

    /// <summary>Removes the file under a pin once unmounted; anything but an empty regular file is left alone.</summary>
    /// <returns>True when the placeholder is gone (removed now or already absent).</returns>
    public static bool RemovePlaceholder(string mountPoint)
    {
        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        fixed (byte* p = path)
        {
            stat st;
            if (LibC.lstat(p, &st) != 0) return Errno.Last == Errno.ENOENT;
            if ((st.st_mode & LibC.S_IFMT) != LibC.S_IFREG || st.st_size != 0) return false;
            return LibC.unlink(p) == 0 || Errno.Last == Errno.ENOENT;
        }
    }
}

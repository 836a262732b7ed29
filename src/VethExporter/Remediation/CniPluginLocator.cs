using System.Text.RegularExpressions;
using VethExporter.Interop;

namespace VethExporter.Remediation;

/// <summary>
/// Finds a CNI plugin the way it may be trusted: only in the configured directories (--path.cni-bin,
/// never PATH), by a plain name (no '/', no '..'), as a regular executable file (not a symlink, which
/// could lead anywhere) owned by root and writable by nobody else, in a root-owned directory writable by
/// nobody else. Anything short of that is a refusal naming why: the plugin runs as root in the host's
/// network namespace.
/// </summary>
internal static partial class CniPluginLocator
{
    public static string? Find(string type, IReadOnlyList<string> directories, out string? refusal)
    {
        refusal = null;
        if (!PluginName().IsMatch(type) || type is "." or "..")
        {
            refusal = $"plugin type \"{type}\" is not a plain file name";
            return null;
        }
        var reasons = new List<string>();
        foreach (string directory in directories)
        {
            if (!Path.IsPathRooted(directory))
            {
                reasons.Add($"{directory}: not an absolute path");
                continue;
            }
            string path = Path.Combine(directory, type);
            int errno = PosixFile.Lstat(path, out var file);
            if (Errno.IsGone(errno) || errno == Errno.ENOTDIR) continue;
            if (errno != 0)
            {
                reasons.Add($"{path}: {Errno.Describe(errno)}");
                continue;
            }
            string? why = Untrusted(path, file, expectDirectory: false);
            if (why is null)
            {
                int dirErrno = PosixFile.Lstat(directory, out var dir);
                why = dirErrno != 0 ? $"{directory}: {Errno.Describe(dirErrno)}" : Untrusted(directory, dir, expectDirectory: true);
            }
            if (why is null) return path;
            reasons.Add(why);
        }
        refusal = reasons.Count > 0
            ? $"plugin {type} is not trusted: {string.Join("; ", reasons)}"
            : $"plugin {type} is in none of {string.Join(':', directories)}";
        return null;
    }

    private static string? Untrusted(string path, FileOwnership file, bool expectDirectory)
    {
        if (file.IsSymlink) return $"{path} is a symlink";
        if (expectDirectory ? !file.IsDirectory : !file.IsRegular) return $"{path} is not a {(expectDirectory ? "directory" : "regular file")}";
        if (file.Uid != 0) return $"{path} is owned by uid {file.Uid}, not root";
        if (file.WritableByOthers) return $"{path} is writable by group or others";
        if (!expectDirectory && !file.Executable) return $"{path} is not executable";
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex PluginName();
}

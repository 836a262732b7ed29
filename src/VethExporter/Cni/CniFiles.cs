using VethExporter.Interop;

namespace VethExporter.Cni;

/// <summary>
/// The thin I/O under the CNI readers: list a directory, read one capped regular file. Every failure becomes
/// a <see cref="CniReadError"/> naming the path; nothing is thrown.
/// </summary>
internal static class CniFiles
{
    /// <summary>Cache files are a config and a result: a megabyte is far beyond any real one.</summary>
    public const int CacheFileCap = 1024 * 1024;

    /// <summary>The entries of a directory, sorted; null when it does not exist (nothing to read, not an error).</summary>
    public static List<string>? List(string directory, bool directories, List<CniReadError> errors)
    {
        try
        {
            var entries = directories ? Directory.GetDirectories(directory) : Directory.GetFiles(directory);
            Array.Sort(entries, StringComparer.Ordinal);
            return [.. entries];
        }
        catch (DirectoryNotFoundException)
        {
            if (File.Exists(directory)) errors.Add(new CniReadError(directory, "not a directory"));
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            errors.Add(new CniReadError(directory, $"cannot be listed: {e.Message}"));
            return null;
        }
    }

    /// <summary>A regular file's bytes and modification time, or null with the error recorded.</summary>
    public static byte[]? Read(string path, int cap, List<CniReadError> errors, out DateTimeOffset modified)
    {
        var read = RegularFile.TryRead(path, cap);
        modified = DateTimeOffset.UnixEpoch.AddSeconds(read.Modified);
        string? error = read.Status switch
        {
            RegularFileStatus.Read => null,
            RegularFileStatus.OpenFailed when read.Errno == Errno.ELOOP => "a symbolic link: not followed",
            RegularFileStatus.OpenFailed => $"cannot be opened: {Errno.Describe(read.Errno)}",
            RegularFileStatus.NotRegular => "not a regular file",
            RegularFileStatus.TooLarge => $"larger than {cap} bytes: not read",
            _ => $"cannot be read: {Errno.Describe(read.Errno)}",
        };
        if (error is not null) errors.Add(new CniReadError(path, error));
        return read.Bytes;
    }
}

using VethExporter.Interop;

namespace VethExporter.Tracking;

/// <summary>
/// Replaces a small file atomically: a temporary file in the same directory, fsync, rename over, fsync the
/// directory. A crash leaves either the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    private const string TemporaryMarker = ".tmp-";

    /// <returns>null when the new content is on disk, otherwise what went wrong (nothing throws).</returns>
    public static string? Replace(string path, Action<Stream> write)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? temporary = null;
        try
        {
            Directory.CreateDirectory(directory);
            temporary = Path.Combine(directory, $"{Path.GetFileName(path)}{TemporaryMarker}{Environment.ProcessId}-{Guid.NewGuid():N}");
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            temporary = null;

            // Best effort: the file is complete either way, and some file systems refuse fsync on a directory.
            DirectorySync.Fsync(directory);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return e.Message;
        }
        finally
        {
            if (temporary is not null) TryDelete(temporary);
        }
    }

    /// <summary>A crash between creating and renaming the temporary file leaves it behind; nothing else reads it.</summary>
    public static void RemoveAbandonedTemporaryFiles(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + TemporaryMarker + "*")) TryDelete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory is missing or unreadable: the load that follows reports it.
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is removed by the next load.
        }
    }
}

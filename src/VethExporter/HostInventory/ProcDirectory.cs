using System.IO.Enumeration;

namespace VethExporter.HostInventory;

/// <summary>Lists the numeric entries (pids, tids, fds) of a /proc directory without allocating per entry.</summary>
internal static class ProcDirectory
{
    private static readonly EnumerationOptions Options = new()
    {
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static List<int> NumericEntries(string directory) => NumericEntries(directory, out _);

    /// <param name="denied">True when the directory exists but we may not list it (another user's fds).</param>
    public static List<int> NumericEntries(string directory, out bool denied)
    {
        var entries = new List<int>();
        denied = false;
        try
        {
            var enumerable = new FileSystemEnumerable<int>(
                directory,
                static (ref FileSystemEntry entry) => int.Parse(entry.FileName, System.Globalization.CultureInfo.InvariantCulture),
                Options)
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) => IsNumber(entry.FileName),
            };
            entries.AddRange(enumerable);
        }
        catch (UnauthorizedAccessException)
        {
            denied = true;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException)
        {
            // The task exited between listing /proc and opening its directory.
        }
        return entries;
    }

    private static bool IsNumber(ReadOnlySpan<char> name) =>
        name.Length is > 0 and < 10 && !name.ContainsAnyExceptInRange('0', '9');
}

using System.IO.Enumeration;

namespace VethExporter.HostInventory;

/// <summary>Lists the numeric entries (pids, tids, fds) of a /proc directory without allocating per entry.</summary>
internal static class ProcDirectory
{
    private static readonly EnumerationOptions Options = new()
    {
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    public static List<int> NumericEntries(string directory)
    {
        var entries = new List<int>();
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
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // The task exited (or hid itself) between listing /proc and opening its directory.
        }
        return entries;
    }

    private static bool IsNumber(ReadOnlySpan<char> name) =>
        name.Length is > 0 and < 10 && !name.ContainsAnyExceptInRange('0', '9');
}

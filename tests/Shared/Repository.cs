namespace VethExporter.TestSupport;

/// <summary>Finds files of the repository (dashboards, manifests, rules) from the test binaries' directory.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "VethExporter.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no VethExporter.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootDirectory.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}

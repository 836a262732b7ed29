using System.IO.Compression;
using System.Text;
using VethExporter.Interop;

namespace VethExporter.Firewall;

/// <summary>
/// Reads from the kernel, not from any tool, which firewall tables can exist in the calling thread's
/// network namespace. Call it on a thread that has joined the scanned namespace: /proc/thread-self/net
/// is that thread's namespace.
/// </summary>
internal static class NetfilterKernel
{
    private const string ThreadNet = "/proc/thread-self/net";

    /// <summary>The running kernel's build configuration does not change until the next boot: read it once.</summary>
    private static readonly Lazy<string?> BuildConfig = new(ReadConfig);

    public static NetfilterEvidence Read()
    {
        static string? Config() => BuildConfig.Value;

        bool threadNet = PosixFile.Stat(ThreadNet, out _, out _) == 0;
        var legacy = new Dictionary<string, KernelTables>(StringComparer.Ordinal);
        foreach (var family in XtablesFamily.All)
        {
            legacy[family.Name] = family.LegacyTablesFile is { } file
                ? threadNet ? LegacyTables(file) : KernelTables.Unknown
                // Kernels since 6.x split legacy ebtables out as its own option; before, the option was ebtables itself.
                : Feature("ebtables", ["CONFIG_BRIDGE_NF_EBTABLES_LEGACY", "CONFIG_BRIDGE_NF_EBTABLES"], Config);
        }
        return new NetfilterEvidence(legacy, Feature("nf_tables", ["CONFIG_NF_TABLES"], Config));
    }

    /// <summary>x_tables lists this namespace's legacy tables; without the file, the backend is not in the kernel.</summary>
    private static KernelTables LegacyTables(string file)
    {
        var names = PosixFile.TryReadAll($"{ThreadNet}/{file}", out int errno);
        if (names is null) return errno == Errno.ENOENT ? KernelTables.Absent : KernelTables.Unknown;
        return names.AsSpan().Trim("\n\t "u8).IsEmpty ? KernelTables.Absent : KernelTables.Present;
    }

    /// <summary>
    /// A loaded module is there; otherwise the build configuration decides: built in is there, a module
    /// that is not loaded holds no tables, not built is absent. No configuration to read is doubt.
    /// </summary>
    private static KernelTables Feature(string module, string[] options, Func<string?> config)
    {
        if (Directory.Exists($"/sys/module/{module}")) return KernelTables.Present;
        if (config() is not { } text) return KernelTables.Unknown;
        foreach (var option in options)
        {
            switch (KernelConfig.Lookup(text, option))
            {
                case 'y': return KernelTables.Present;
                case 'm' or 'n': return KernelTables.Absent;
            }
        }
        return KernelTables.Unknown;
    }

    private static string? ReadConfig()
    {
        try
        {
            if (File.Exists("/proc/config.gz"))
            {
                using var gzip = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
                using var reader = new StreamReader(gzip, Encoding.UTF8);
                return reader.ReadToEnd();
            }
            var release = PosixFile.TryReadAll("/proc/sys/kernel/osrelease", out _);
            if (release is null) return null;
            string path = $"/boot/config-{Encoding.UTF8.GetString(release).Trim()}";
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}

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

/// <summary>What the kernel says about the scanned namespace's tables, read before planning the listings.</summary>
/// <param name="Legacy">Per <see cref="XtablesFamily.Name"/>: are there legacy tables?</param>
/// <param name="NfTables">Is nf_tables in this kernel at all?</param>
public sealed record NetfilterEvidence(IReadOnlyDictionary<string, KernelTables> Legacy, KernelTables NfTables)
{
    public KernelTables LegacyOf(XtablesFamily family) => Legacy.GetValueOrDefault(family.Name, KernelTables.Unknown);
}

/// <summary>What the kernel tells us, before any tool runs, about one kind of firewall table.</summary>
public enum KernelTables
{
    /// <summary>Proven absent: no tool is needed, and none is run (listing could load modules or create tables).</summary>
    Absent,

    /// <summary>Tables exist, or the feature is there: the tool must list them.</summary>
    Present,

    /// <summary>Nothing proves either way: the tool must list them.</summary>
    Unknown,
}

/// <summary>Looks options up in a kernel build configuration (<c>/proc/config.gz</c>, <c>/boot/config-RELEASE</c>).</summary>
public static class KernelConfig
{
    /// <returns><c>'y'</c> built in, <c>'m'</c> a module, <c>'n'</c> "is not set", null when the option is not mentioned.</returns>
    public static char? Lookup(string config, string option)
    {
        foreach (var range in config.AsSpan().Split('\n'))
        {
            var line = config.AsSpan()[range].Trim();
            if (line.StartsWith(option) && line.Length > option.Length && line[option.Length] == '=')
                return line.Length > option.Length + 1 ? line[option.Length + 1] : 'n';
            if (line.StartsWith("# ") && line[2..].StartsWith(option) && line[(2 + option.Length)..].SequenceEqual(" is not set"))
                return 'n';
        }
        return null;
    }
}

namespace VethExporter.Cni;

/// <summary>Where the CNI facts are read from.</summary>
/// <param name="CacheDir">libcni's cache directory (<c>--path.cni-cache</c>); its cache files are under <c>results/</c>.</param>
/// <param name="NetworksDir">host-local's default data directory (<c>--path.cni-networks</c>); a config's own <c>ipam.dataDir</c> wins for its network.</param>
/// <param name="ProcRoot">Where the host's /proc is seen: a cached <c>/proc/PID/ns/net</c> is looked up under it.</param>
public sealed record CniPaths(string CacheDir = CniPaths.DefaultCacheDir, string NetworksDir = CniPaths.DefaultNetworksDir, string ProcRoot = "/proc")
{
    public const string DefaultCacheDir = "/var/lib/cni";
    public const string DefaultNetworksDir = "/var/lib/cni/networks";

    public string ResultsDir => Path.Combine(CacheDir, "results");

    /// <summary>A cached netns path as this process must open it.</summary>
    public string Resolve(string netnsPath) =>
        ProcRoot != "/proc" && netnsPath.StartsWith("/proc/", StringComparison.Ordinal) ? ProcRoot + netnsPath["/proc".Length..] : netnsPath;
}

using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.Cni;

/// <summary>
/// What a cached netns path is now, from the file it opens to (fstat, never the path's looks): an nsfs inode,
/// gone (missing, or the plain file a pin leaves when unmounted), or doubt. A <c>/proc/PID/ns/net</c> path is
/// trusted only when the cached sandbox interfaces (name and MAC) are found inside that namespace: pids are reused.
/// </summary>
public static class NetnsPathProbe
{
    /// <summary>The decision from what open and fstat said; <paramref name="errno"/> 0 means it opened.</summary>
    internal static NetnsPathFact Classify(string path, int errno, OpenedFileIdentity identity, ulong nsfsDevice)
    {
        if (errno != 0)
        {
            return errno switch
            {
                Errno.ENOENT or Errno.ESRCH or 20 /* ENOTDIR */ => new NetnsPathFact(path, null, null, "missing"),
                Errno.EACCES or Errno.EPERM => new NetnsPathFact(path, null, $"cannot be opened: {Errno.Describe(errno)}"),
                Errno.ELOOP => new NetnsPathFact(path, null, "a symbolic link, not a namespace pin"),
                _ => new NetnsPathFact(path, null, $"cannot be opened: {Errno.Describe(errno)}"),
            };
        }
        if (identity.Device == nsfsDevice) return new NetnsPathFact(path, identity.Inode, null);
        if (identity.IsRegular) return new NetnsPathFact(path, null, null, "a plain file: the namespace was unmounted from it");
        return new NetnsPathFact(path, null, identity.IsDirectory ? "a directory, not a namespace" : "not a namespace file");
    }

    public static bool IsProcPath(string path) =>
        path.StartsWith("/proc/", StringComparison.Ordinal) && path.EndsWith("/ns/net", StringComparison.Ordinal);

    /// <summary>
    /// A /proc/PID/ns/net fact stands only when every cached sandbox interface of it is among
    /// <paramref name="links"/>, the links inside that namespace, by name and MAC.
    /// </summary>
    internal static NetnsPathFact CheckSandbox(NetnsPathFact fact, IEnumerable<CniResultInterface> sandboxInterfaces, IReadOnlyCollection<LinkRecord> links)
    {
        var expected = sandboxInterfaces.ToList();
        if (expected.Count == 0) return fact with { Doubt = "a process's namespace, and no cached interface to recognise it by: the pid may be another's" };
        foreach (var wanted in expected)
        {
            bool found = links.Any(l => l.Name == wanted.Name && string.Equals(l.Mac, wanted.Mac, StringComparison.OrdinalIgnoreCase));
            if (!found) return fact with { Doubt = $"a process's namespace without the cached {wanted.Name} {wanted.Mac}: the pid may be another's now" };
        }
        return fact;
    }

    /// <summary>Probes each distinct cached netns path of <paramref name="entries"/>.</summary>
    internal static Dictionary<string, NetnsPathFact> Probe(IEnumerable<CniCacheEntry> entries, CniPaths paths, List<CniReadError> errors)
    {
        var facts = new Dictionary<string, NetnsPathFact>(StringComparer.Ordinal);
        var byPath = entries.Where(e => !string.IsNullOrEmpty(e.Netns)).GroupBy(e => e.Netns!, StringComparer.Ordinal);
        int own = PosixFile.Stat("/proc/self/ns/net", out ulong nsfsDevice, out ulong ownInode);
        foreach (var group in byPath)
        {
            string path = group.Key;
            if (own != 0)
            {
                facts[path] = new NetnsPathFact(path, null, $"our own namespace cannot be stat'ed to know nsfs: {Errno.Describe(own)}");
                continue;
            }
            string open = paths.Resolve(path);
            bool proc = IsProcPath(path);
            int errno = OpenedFile.TryIdentify(open, follow: proc, out var identity);
            var fact = Classify(path, errno, identity, nsfsDevice);
            if (proc && fact.Inode is ulong inode && fact.Doubt is null)
            {
                var sandbox = group.SelectMany(e => e.Result.Interfaces.Where(i => i.Sandbox == path)).Distinct().ToList();
                var links = LinksIn(open, nsfsDevice, inode, ownInode, out string? failure);
                fact = links is null ? fact with { Doubt = $"its links cannot be listed: {failure}" } : CheckSandbox(fact, sandbox, links);
            }
            facts[path] = fact;
        }
        return facts;
    }

    private static List<LinkRecord>? LinksIn(string path, ulong nsfsDevice, ulong inode, ulong ownInode, out string? failure)
    {
        failure = null;
        try
        {
            if (inode == ownInode)
            {
                using var here = RouteNetlinkClient.Open((NamespaceFile?)null);
                return here.DumpLinks();
            }
            using var netns = NamespaceFile.TryOpenVerified(path, nsfsDevice, inode, follow: true);
            if (netns is null)
            {
                failure = "it is another namespace since it was stat'ed";
                return null;
            }
            using var client = RouteNetlinkClient.Open(netns);
            return client.DumpLinks();
        }
        catch (Exception e) when (e is NetlinkException or SystemCallException)
        {
            failure = e.Message;
            return null;
        }
    }
}

using VethExporter.Cli;
using VethExporter.Common;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Interop;
using VethExporter.Netlink;
using VethExporter.Scanning;

namespace VethExporter.Commands;

/// <summary>
/// `veth-exporter capture-fixtures --out DIR`: writes the raw replies of the link, address and qdisc
/// dumps, each as the concatenated datagrams the kernel sent, for parser fixtures and bug reports.
/// With `--path.procfs` pointing at a fixture tree (not /proc) it also runs one scan over that tree and
/// writes every other kernel answer the scan needed to `kernel-answers.txt`: the end-to-end fixtures.
/// </summary>
internal static class CaptureFixturesCommand
{
    public const string AnswersFile = "kernel-answers.txt";

    public static int Run(ExporterOptions options, TextWriter output)
    {
        string directory = options.CaptureDirectory ?? throw new UsageException("capture-fixtures needs --out DIR");
        Directory.CreateDirectory(directory);
        using var netns = options.Paths.ScannedNetns is { } path ? NamespaceFile.Open(path) : null;
        using var client = RouteNetlinkClient.Open(netns);
        var captured = new Dictionary<ushort, MemoryStream>();
        client.DatagramObserver = (type, datagram) =>
        {
            if (!captured.TryGetValue(type, out var stream)) captured[type] = stream = new MemoryStream();
            stream.Write(datagram);
        };
        Save(directory, "links", client.DumpLinks().Count, captured, NetlinkConstants.RtmNewLink, output);
        Save(directory, "addresses", client.DumpAddresses().Count, captured, NetlinkConstants.RtmNewAddr, output);
        Save(directory, "qdiscs", client.DumpQdiscs().Count, captured, NetlinkConstants.RtmNewQdisc, output);

        if (options.Paths.Procfs != "/proc")
        {
            // The scan's own replies are recorded as answers, not as datagrams.
            client.DatagramObserver = null;
            RecordScan(options.Paths, netns, client, Path.Combine(directory, AnswersFile), output);
            return 0;
        }

        // One RTM_GETNSID reply per pinned namespace we can see: an id for the peers' namespaces, -1 for the rest.
        int nsids = 0;
        string[] pins = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns") : [];
        foreach (var pin in pins.Order(StringComparer.Ordinal))
        {
            using var handle = PosixFile.TryOpen(pin, 0, out _);
            if (handle is not null && client.GetNsidByFd(handle.Fd).Succeeded) nsids++;
        }
        if (nsids > 0) Save(directory, "nsids", nsids, captured, NetlinkConstants.RtmNewNsid, output);
        return 0;
    }

    /// <summary>
    /// One scan over the fixture tree through a <see cref="RecordingKernel"/>, then every question a scan
    /// could ask of that tree, whatever order a directory listing gives elsewhere: the id of every task,
    /// every pin and every namespace fd, and the fd table of every thread.
    /// </summary>
    private static void RecordScan(KernelPaths paths, NamespaceFile? netns, RouteNetlinkClient client, string file, TextWriter output)
    {
        var recorder = new RecordingKernel(new RouteQueries(client), new LiveKernelFacts(netns));
        using (var scanner = new Scanner(new ScannerOptions(paths, Classification.ClassificationPolicy.Default, CheckFirewall: false),
            recorder, recorder, NoFirewall.Instance, TimeProvider.System))
        {
            scanner.ScanAsync().GetAwaiter().GetResult();
        }
        var (device, scanned) = recorder.ScannedNetns();
        var proc = ProcScanner.Scan(paths);
        foreach (var task in proc.TasksByNetns.Values.SelectMany(t => t).Concat(proc.Unreadable)) recorder.NsidOfTask(task.Tid);
        foreach (var pin in MountScanner.Scan(paths, proc.MountNamespaces, recorder.OwnMountNs(), proc.Unreadable, out _))
        {
            if (pin.Reachable && pin.NetnsInode != scanned) recorder.NsidOfFile(pin.OpenPath, device, pin.NetnsInode, throughFdLink: false, out _);
        }
        foreach (var fd in FdScanner.Scan(paths, recorder, device, new HashSet<ulong> { scanned }, out _))
            recorder.NsidOfFile(fd.OpenPath, device, fd.NetnsInode, throughFdLink: true, out _);
        recorder.Answers.Save(file, paths.Procfs);
        output.WriteLine($"{file}: {recorder.Answers.NsidOfTask.Count} tasks, {recorder.Answers.NsidOfFile.Count} namespace files, {recorder.Answers.FdLinkStats.Count} fd links");
    }

    private static void Save(string directory, string name, int count, Dictionary<ushort, MemoryStream> captured, ushort type, TextWriter output)
    {
        string path = Path.Combine(directory, $"{name}.bin");
        File.WriteAllBytes(path, captured[type].ToArray());
        output.WriteLine($"{path}: {count} records");
    }

    /// <summary>The firewall is captured as listing text by the fixture script, not asked here.</summary>
    private sealed class NoFirewall : IFirewallRules
    {
        public static readonly NoFirewall Instance = new();

        public Task<FirewallRules> ReadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) => Task.FromResult(FirewallRules.Empty);
    }
}

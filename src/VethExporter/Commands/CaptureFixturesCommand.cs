using VethExporter.Cli;
using VethExporter.Netlink;
using VethExporter.Common;

namespace VethExporter.Commands;

/// <summary>
/// `veth-exporter capture-fixtures --out DIR`: writes the raw replies of the link, address and qdisc
/// dumps, each as the concatenated datagrams the kernel sent, for parser fixtures and bug reports.
/// </summary>
internal static class CaptureFixturesCommand
{
    public static int Run(ExporterOptions options, TextWriter output)
    {
        string directory = options.CaptureDirectory ?? throw new UsageException("capture-fixtures needs --out DIR");
        Directory.CreateDirectory(directory);
        using var client = RouteNetlinkClient.Open(options.Paths.ScannedNetns);
        var captured = new Dictionary<ushort, MemoryStream>();
        client.DatagramObserver = (type, datagram) =>
        {
            if (!captured.TryGetValue(type, out var stream)) captured[type] = stream = new MemoryStream();
            stream.Write(datagram);
        };
        Save(directory, "links", client.DumpLinks().Count, captured, NetlinkConstants.RtmNewLink, output);
        Save(directory, "addresses", client.DumpAddresses().Count, captured, NetlinkConstants.RtmNewAddr, output);
        Save(directory, "qdiscs", client.DumpQdiscs().Count, captured, NetlinkConstants.RtmNewQdisc, output);

        // One RTM_GETNSID reply per pinned namespace we can see: an id for the peers' namespaces, -1 for the rest.
        int nsids = 0;
        string[] pins = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns") : [];
        foreach (var pin in pins.Order(StringComparer.Ordinal))
        {
            using var handle = Interop.PosixFile.TryOpen(pin, 0, out _);
            if (handle is not null && client.GetNsidByFd(handle.Fd).Succeeded) nsids++;
        }
        if (nsids > 0) Save(directory, "nsids", nsids, captured, NetlinkConstants.RtmNewNsid, output);
        return 0;
    }

    private static void Save(string directory, string name, int count, Dictionary<ushort, MemoryStream> captured, ushort type, TextWriter output)
    {
        string path = Path.Combine(directory, $"{name}.bin");
        File.WriteAllBytes(path, captured[type].ToArray());
        output.WriteLine($"{path}: {count} records");
    }
}

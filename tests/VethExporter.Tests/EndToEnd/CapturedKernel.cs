using System.Buffers.Binary;
using VethExporter.Commands;
using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Tests.EndToEnd;

/// <summary>
/// The kernel of a captured fake host: the dumps as the kernel sent them, parsed by the real parsers, and
/// every other answer from `kernel-answers.txt`. A question the capture holds no answer for fails loudly:
/// the fixture no longer matches the tree, recapture.
/// </summary>
internal sealed class CapturedKernel(string directory, KernelAnswers answers) : IRouteQueries, IKernelFacts
{
    public static CapturedKernel Load(string directory, string procfs) =>
        new(directory, KernelAnswers.Load(Path.Combine(directory, CaptureFixturesCommand.AnswersFile), procfs));

    public List<LinkRecord> DumpLinks() => Replay<LinkRecord>("links.bin", NetlinkConstants.RtmNewLink, LinkMessageParser.TryParse);

    public List<AddressRecord> DumpAddresses() => Replay<AddressRecord>("addresses.bin", NetlinkConstants.RtmNewAddr, AddressMessageParser.TryParse);

    public List<QdiscRecord> DumpQdiscs() => Replay<QdiscRecord>("qdiscs.bin", NetlinkConstants.RtmNewQdisc, QdiscMessageParser.TryParse);

    public NsidAnswer NsidOfTask(int tid) =>
        answers.NsidOfTask.TryGetValue(tid, out var answer) ? answer : throw Missing($"RTM_GETNSID by pid {tid}");

    public NsidAnswer? NsidOfFile(string path, ulong nsfsDevice, ulong expectedInode, bool throughFdLink, out int openErrno)
    {
        if (!answers.NsidOfFile.TryGetValue((path, throughFdLink), out var recorded)) throw Missing($"RTM_GETNSID by fd of {path}");
        openErrno = recorded.OpenErrno;
        return recorded.Answer;
    }

    public (ulong Device, ulong Inode) ScannedNetns() => answers.ScannedNetns;

    public ulong OwnMountNs() => answers.OwnMountNs;

    public int StatFdLink(string path, out ulong device, out ulong inode)
    {
        if (!answers.FdLinkStats.TryGetValue(path, out var stat)) throw Missing($"stat of {path}");
        (device, inode) = (stat.Device, stat.Inode);
        return stat.Errno;
    }

    public bool? SharesFileTable(int pid, int tid) =>
        answers.FileTables.TryGetValue((pid, tid), out bool? shared) ? shared : throw Missing($"kcmp of {pid}/{tid}");

    public bool HasCapability(int capability) =>
        answers.Capabilities.TryGetValue(capability, out bool has) ? has : throw Missing($"capability {capability}");

    private List<T> Replay<T>(string file, ushort replyType, MessageParser<T> parse)
    {
        byte[] dump = File.ReadAllBytes(Path.Combine(directory, file));
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(dump.AsSpan(8));
        var collector = new ReplyCollector<T>(sequence, portId: 0, replyType, parse, isDump: true);
        var status = collector.Feed(dump);
        return status == ReplyStatus.Done ? collector.Items : throw new InvalidDataException($"{file}: replay ended {status}: {collector.Error}");
    }

    private static InvalidOperationException Missing(string question) =>
        new($"the capture holds no answer to {question}: the fixture tree and kernel-answers.txt disagree, recapture them (see Fixtures/e2e/README.md)");
}

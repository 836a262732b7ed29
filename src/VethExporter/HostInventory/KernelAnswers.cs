using System.Globalization;
using System.Text;
using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// The answers one scan got through <see cref="IRouteQueries"/> and <see cref="IKernelFacts"/> (all but
/// the dumps, which are kept as the datagrams the kernel sent), as a line-based text file: what
/// `capture-fixtures` records and the end-to-end test replays. Paths under the procfs root are written
/// relative to it (<c>$procfs/…</c>), so the capture replays wherever the tree is checked out.
/// </summary>
internal sealed class KernelAnswers
{
    private const string ProcfsMarker = "$procfs";

    public (ulong Device, ulong Inode) ScannedNetns { get; set; }
    public ulong OwnMountNs { get; set; }
    public SortedDictionary<int, bool> Capabilities { get; } = [];
    public SortedDictionary<int, NsidAnswer> NsidOfTask { get; } = [];
    /// <summary>By path and whether it was opened as an fd link: the open's errno, then the answer when it opened.</summary>
    public SortedDictionary<(string Path, bool ThroughFdLink), (int OpenErrno, NsidAnswer? Answer)> NsidOfFile { get; } =
        new(Comparer<(string Path, bool ThroughFdLink)>.Create(static (a, b) =>
            string.CompareOrdinal(a.Path, b.Path) is var byPath and not 0 ? byPath : a.ThroughFdLink.CompareTo(b.ThroughFdLink)));
    public SortedDictionary<string, (int Errno, ulong Device, ulong Inode)> FdLinkStats { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<(int Pid, int Tid), bool?> FileTables { get; } = [];

    public void Save(string path, string procfs)
    {
        var text = new StringBuilder();
        text.Append("# kernel answers of one scan, written by veth-exporter capture-fixtures\n");
        Line(text, "scanned-netns", ScannedNetns.Device, ScannedNetns.Inode);
        Line(text, "own-mount-ns", OwnMountNs);
        foreach (var (capability, has) in Capabilities) Line(text, "capability", capability, has ? 1 : 0);
        foreach (var (tid, answer) in NsidOfTask) Line(text, "nsid-of-task", tid, answer.Errno, answer.Nsid);
        foreach (var ((file, fdLink), (openErrno, answer)) in NsidOfFile)
            Line(text, "nsid-of-file", fdLink ? 1 : 0, openErrno, answer?.Errno ?? 0, answer?.Nsid ?? 0, Relative(file, procfs));
        foreach (var (file, (errno, device, inode)) in FdLinkStats) Line(text, "stat-fd-link", errno, device, inode, Relative(file, procfs));
        foreach (var ((pid, tid), shared) in FileTables) Line(text, "file-table", pid, tid, shared switch { true => "shared", false => "private", null => "unknown" });
        File.WriteAllText(path, text.ToString());
    }

    public static KernelAnswers Load(string path, string procfs)
    {
        var answers = new KernelAnswers();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] f = line.Split(' ');
            try
            {
                switch (f[0])
                {
                    case "scanned-netns": answers.ScannedNetns = (U(f[1]), U(f[2])); break;
                    case "own-mount-ns": answers.OwnMountNs = U(f[1]); break;
                    case "capability": answers.Capabilities[I(f[1])] = f[2] == "1"; break;
                    case "nsid-of-task": answers.NsidOfTask[I(f[1])] = new NsidAnswer(I(f[3]), I(f[2])); break;
                    case "nsid-of-file":
                        int openErrno = I(f[2]);
                        answers.NsidOfFile[(Absolute(f[5], procfs), f[1] == "1")] = (openErrno, openErrno == 0 ? new NsidAnswer(I(f[4]), I(f[3])) : null);
                        break;
                    case "stat-fd-link": answers.FdLinkStats[Absolute(f[4], procfs)] = (I(f[1]), U(f[2]), U(f[3])); break;
                    case "file-table": answers.FileTables[(I(f[1]), I(f[2]))] = f[3] switch { "shared" => true, "private" => false, _ => null }; break;
                    default: throw new FormatException($"unknown record {f[0]}");
                }
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
            {
                throw new FormatException($"{path}:{number}: {e.Message}", e);
            }
        }
        return answers;
    }

    private static void Line(StringBuilder text, string kind, params object[] fields) =>
        text.Append(kind).Append(' ').AppendJoin(' ', fields.Select(f => Convert.ToString(f, CultureInfo.InvariantCulture))).Append('\n');

    private static string Relative(string path, string procfs) =>
        path.StartsWith(procfs + "/", StringComparison.Ordinal) ? ProcfsMarker + path[procfs.Length..] : path;

    private static string Absolute(string path, string procfs) =>
        path.StartsWith(ProcfsMarker + "/", StringComparison.Ordinal) ? procfs + path[ProcfsMarker.Length..] : path;

    private static int I(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static ulong U(string s) => ulong.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
}

using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Tests.HostInventory;

public class KernelAnswersTests
{
    [Fact]
    public void Answers_survive_a_round_trip_with_procfs_paths_moved_to_another_root()
    {
        var answers = new KernelAnswers { ScannedNetns = (4, 4026532174), OwnMountNs = 4026531832 };
        answers.Capabilities[19] = true;
        answers.NsidOfTask[100] = new NsidAnswer(2, 0);
        answers.NsidOfTask[101] = new NsidAnswer(-1, 3);
        answers.NsidOfFile[("/run/netns/cni-1", false)] = (0, new NsidAnswer(1, 0));
        answers.NsidOfFile[("/capture/proc/100/fd/3", true)] = (13, null);
        answers.FdLinkStats["/capture/proc/100/fd/3"] = (0, 4, 4026532439);
        answers.FileTables[(100, 102)] = false;
        answers.FileTables[(100, 103)] = null;
        using var directory = new Support.TempDirectory();
        string file = Path.Combine(directory.Path, "answers.txt");

        answers.Save(file, "/capture/proc");
        var loaded = KernelAnswers.Load(file, "/tree/proc");

        Assert.Contains("$procfs/100/fd/3", File.ReadAllText(file));
        Assert.Equal(answers.ScannedNetns, loaded.ScannedNetns);
        Assert.Equal(answers.OwnMountNs, loaded.OwnMountNs);
        Assert.Equal(answers.Capabilities, loaded.Capabilities);
        Assert.Equal(answers.NsidOfTask, loaded.NsidOfTask);
        Assert.Equal((0, new NsidAnswer(1, 0)), loaded.NsidOfFile[("/run/netns/cni-1", false)]);
        Assert.Equal((13, (NsidAnswer?)null), loaded.NsidOfFile[("/tree/proc/100/fd/3", true)]);
        Assert.Equal((0, 4UL, 4026532439UL), loaded.FdLinkStats["/tree/proc/100/fd/3"]);
        Assert.Equal(answers.FileTables, loaded.FileTables);
    }

    [Fact]
    public void An_unknown_record_names_its_line()
    {
        using var directory = new Support.TempDirectory();
        string file = Path.Combine(directory.Path, "answers.txt");
        File.WriteAllText(file, "# comment\nown-mount-ns 1\nsurprise 1 2\n");

        var error = Assert.Throws<FormatException>(() => KernelAnswers.Load(file, "/proc"));

        Assert.Contains("answers.txt:3", error.Message);
    }
}

using VethExporter.Classification;
using VethExporter.Scanning;

namespace VethExporter.KernelTests.Support;

public static class VerdictAssertions
{
    public static VethVerdict Verdict(this ScanResult scan, string name)
    {
        var matches = scan.Verdicts.Where(v => v.Link.Name == name).ToList();
        Assert.True(matches.Count == 1, $"expected one veth named {name}, scan has: {string.Join(", ", scan.Verdicts.Select(v => v.Link.Name))}");
        return matches[0];
    }

    public static void AssertVerdict(this ScanResult scan, string name, string state, string reason, string? bridge, params string[] blockers)
    {
        var verdict = scan.Verdict(name);
        Assert.True(state == verdict.State && reason == verdict.Reason,
            $"{name}: expected {state}/{reason}, got {verdict.State}/{verdict.Reason}");
        Assert.Equal(bridge, verdict.Bridge);
        Assert.Equal(blockers.Order(), verdict.Blockers.Order());
        Assert.Equal(state == VethStates.Orphan && blockers.Length == 0, verdict.Deletable);
    }
}

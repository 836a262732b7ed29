using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests;

/// <summary>`scan`, `serve` and `remediate` judge the same host state the same way: one judgement, one "deletable".</summary>
public class VerbAgreementKernelTests
{
    [SkippableFact]
    public async Task Scan_serve_and_remediate_agree_on_every_verdict()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var live = host.AddNamespace("live");
        var leak = host.AddNamespace("leak");
        var bridged = host.AddNamespace("brleak");
        host.AddVeth("vethaglive", live, bridge: "br0");
        host.AddVeth("vethagleak", leak);
        host.AddVeth("vethagbr", bridged, bridge: "br0");
        host.Ip("link add vethaghalf type veth peer name vethaghalfp");
        var process = host.StartContainerProcess(live);
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(process.Id) && File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));

        await using var served = await ServedExporter.StartAsync(host);
        Dictionary<string, string> fromServe = [];
        Assert.True(await Eventually.TrueAsync(() =>
        {
            fromServe = Judged(served.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
            return fromServe.GetValueOrDefault("vethagleak") == "deletable";
        }, TimeSpan.FromSeconds(20)), "the leak never became deletable");
        await served.StopAsync(); // its state file now holds the history both commands read

        string[] common = ["--netns", host.NetnsPath, "--remediation.min-age", "0s", "--state.file", served.StateFile];
        var (code, output, error) = Exporter.Run(["scan", "--output", "json", .. common]);
        Assert.True(code == 0, error);
        Assert.Equal(fromServe, Judged(output));

        (code, output, error) = Exporter.Run(["remediate", "--dry-run", "--output", "json", "vethaglive", "vethagleak", "vethagbr", "vethaghalf", "vethaghalfp",
            "--remediation.audit-file", Path.Combine(served.Directory, "cli-audit.log"), .. common]);
        Assert.True(code == 0, error);
        using var response = JsonDocument.Parse(output);
        var wouldDelete = response.RootElement.GetProperty("results").EnumerateArray()
            .Where(r => r.GetProperty("result").GetString() == "would_delete").Select(r => r.GetProperty("interface").GetString()!).Order();
        Assert.Equal(fromServe.Where(e => e.Value == "deletable").Select(e => e.Key).Order(), wouldDelete);
        Assert.Contains("vethagleak", host.Links());
    }

    /// <summary>Each interface's state/reason and either "deletable" or its blockers, from a snapshot document.</summary>
    private static Dictionary<string, string> Judged(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("interfaces").EnumerateArray().ToDictionary(
            i => i.GetProperty("name").GetString()!,
            i => i.GetProperty("deletable").GetBoolean() ? "deletable"
                : $"{i.GetProperty("state").GetString()}/{i.GetProperty("reason").GetString()}: {string.Join(',', i.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()))}");
    }
}

using System.Diagnostics;
using VethExporter.Firewall;

namespace VethExporter.Tests.Firewall;

/// <summary>Runs /bin/sh as a stand-in listing tool; needs no privileges.</summary>
public class ToolRunnerTests
{
    private static Task<ToolResult> Run(string script, TimeSpan? timeout = null, long cap = 1024 * 1024)
    {
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        return ToolRunner.RunAsync("fake-save", start, timeout ?? TimeSpan.FromSeconds(10), cap, CancellationToken.None);
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    [Fact]
    public async Task A_clean_exit_gives_the_output()
    {
        var result = await Run("echo '-A FORWARD -i veth1 -j DROP'");

        Assert.Null(result.Failure);
        Assert.Equal("-A FORWARD -i veth1 -j DROP\n", result.Output);
    }

    [Fact]
    public async Task A_failing_tool_is_a_failure_naming_it_with_its_error()
    {
        var result = await Run("echo 'partial' ; echo 'iptables v1.8.9: Permission denied' >&2; exit 4");

        Assert.Equal("fake-save exited with 4: iptables v1.8.9: Permission denied", result.Failure);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Stdin_is_fed_and_a_failure_without_stderr_names_what_stdout_said()
    {
        // CNI plugins read their config on stdin and report errors as JSON on stdout.
        var start = new ProcessStartInfo("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read -r line; echo \"{\\\"code\\\":7,\\\"msg\\\":\\\"$line\\\"}\"; exit 1");
        var result = await ToolRunner.RunAsync("bridge", start, TimeSpan.FromSeconds(10), 1024, CancellationToken.None, "no such network"u8.ToArray());

        Assert.Equal("bridge exited with 1: {\"code\":7,\"msg\":\"no such network\"}", result.Failure);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task A_flood_past_the_cap_is_stopped_and_a_failure()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), $"toolrunner-{Guid.NewGuid():N}");
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await Run($"echo $$ > {pidFile}; exec yes 'veth1 veth1 veth1'", cap: 1024 * 1024);

            Assert.Equal("fake-save wrote more than 1048576 bytes and was stopped", result.Failure);
            Assert.Empty(result.Output);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
            Assert.False(Alive(int.Parse(File.ReadAllText(pidFile).Trim())), "the flooding tool is still running");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task A_hung_tool_is_killed_at_the_deadline_and_a_failure()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), $"toolrunner-{Guid.NewGuid():N}");
        try
        {
            var clock = Stopwatch.StartNew();
            var result = await Run($"echo $$ > {pidFile}; exec sleep 600", timeout: TimeSpan.FromSeconds(1));

            Assert.Equal("fake-save did not finish within 1 s and was stopped", result.Failure);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7), $"took {clock.Elapsed}");
            Assert.False(Alive(int.Parse(File.ReadAllText(pidFile).Trim())), "the hung tool is still running");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task A_tool_that_cannot_be_started_is_a_failure()
    {
        var result = await ToolRunner.RunAsync("nothere-save", new ProcessStartInfo("/nonexistent/nothere-save"), TimeSpan.FromSeconds(5), 1024, CancellationToken.None);

        Assert.StartsWith("nothere-save could not be run: ", result.Failure);
    }
}

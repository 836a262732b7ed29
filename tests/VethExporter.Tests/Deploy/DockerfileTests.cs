using System.Text.RegularExpressions;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Deploy;

/// <summary>
/// The Dockerfile's shape (no Docker engine is needed: scripts/publish-smoke.sh runs its build steps and
/// tests the binary they make).
/// </summary>
public sealed class DockerfileTests
{
    private static readonly string Text = File.ReadAllText(Repository.Path("Dockerfile"));

    private static List<string> Instructions() => Regex.Replace(Text, @"\\\n\s*", " ")
        .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

    private static List<List<string>> Stages()
    {
        var stages = new List<List<string>>();
        foreach (var line in Instructions())
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal)) stages.Add([]);
            stages[^1].Add(line);
        }
        return stages;
    }

    [Fact]
    public void Builds_with_the_sdk_and_publishes_native_aot()
    {
        var build = Stages()[0];
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0(-[a-z]+)? AS build$", build[0]);
        var publish = Assert.Single(build, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.Contains("-p:PublishAot=true", publish, StringComparison.Ordinal);
        Assert.Contains("-c Release", publish, StringComparison.Ordinal);
        Assert.Contains("-o /out", publish, StringComparison.Ordinal);
        Assert.Contains(build, l => l.StartsWith("RUN apt-get", StringComparison.Ordinal) && l.Contains("clang", StringComparison.Ordinal) && l.Contains("zlib1g-dev", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_image_is_the_chiseled_one_with_only_the_binary()
    {
        var runtime = Stages()[^1];
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/runtime-deps:10\.0-[a-z]+-chiseled AS runtime$", runtime[0]);
        Assert.DoesNotContain(runtime, l => l.StartsWith("RUN ", StringComparison.Ordinal));
        Assert.Contains("COPY --from=build /out/veth-exporter /usr/local/bin/veth-exporter", runtime);
        Assert.Contains("USER 0:0", runtime);
        Assert.Contains("EXPOSE 9814", runtime);
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/veth-exporter\"]", runtime);
    }

    [Fact]
    public void Has_no_healthcheck_and_documents_the_minimal_docker_run()
    {
        Assert.DoesNotContain(Instructions(), l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));
        string run = Regex.Match(Text, @"#\s+docker run .*?veth-exporter:[0-9.]+\n", RegexOptions.Singleline).Value;
        Assert.NotEmpty(run);
        foreach (var option in new[] { "--network host", "--pid host", "--cap-drop ALL", "--cap-add SYS_PTRACE", "--read-only", "-v /run:/run:ro,rslave" })
            Assert.Contains(option, run, StringComparison.Ordinal);
        Assert.DoesNotContain("NET_ADMIN", run, StringComparison.Ordinal);
        Assert.DoesNotContain("SYS_ADMIN", run, StringComparison.Ordinal);
        Assert.DoesNotContain("--privileged", run, StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_tags_in_the_comments_are_the_project_version()
    {
        string version = Regex.Match(File.ReadAllText(Repository.Path("Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
        foreach (Match tag in Regex.Matches(Text, @"veth-exporter:([0-9][^\s]*)"))
            Assert.StartsWith(version, tag.Groups[1].Value, StringComparison.Ordinal);
    }
}

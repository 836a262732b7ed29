using VethExporter.Cli;
using VethExporter.Commands;

namespace VethExporter.Tests.Cli;

public class UsageTests
{
    [Theory]
    [InlineData("serve")]
    [InlineData("scan")]
    [InlineData("remediate")]
    [InlineData("capture-fixtures")]
    public void Each_command_lists_exactly_its_own_flags(string verb)
    {
        string help = Usage.Text(verb);
        Assert.StartsWith($"usage: veth-exporter {verb}", help);
        foreach (var flag in Flags.All)
        {
            bool listed = help.Contains($"  --{flag.Name} ", StringComparison.Ordinal);
            Assert.True(listed == flag.BelongsTo(verb), $"--{flag.Name} listed={listed} for {verb}");
        }
    }

    [Fact]
    public void The_default_commands_help_names_every_command()
    {
        string help = Usage.Text("serve");
        foreach (var verb in CommandLine.Verbs) Assert.Contains($"  {verb} ", help);
    }

    [Fact]
    public void Help_is_recognised_after_a_verb()
    {
        var line = CommandLine.Parse(["remediate", "--help"], Flags.All);
        Assert.True(line.HelpRequested);
        Assert.Equal("remediate", line.Verb);
    }
}

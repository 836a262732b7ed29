using VethExporter.Cli;
using VethExporter.Common;

namespace VethExporter.Tests.Cli;

public class ConfigFileTests
{
    [Fact]
    public void Reads_flag_values_of_every_json_kind()
    {
        var values = ConfigFile.Parse("""{ "scan.interval": "1m", "remediation.max-deletes": 5, "metrics.orphan-details": true, "web.listen-address": [":1", ":2"] }""", "test");
        Assert.Equal("1m", values["scan.interval"]);
        Assert.Equal("5", values["remediation.max-deletes"]);
        Assert.Equal("true", values["metrics.orphan-details"]);
        Assert.Equal(":1,:2", values["web.listen-address"]);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("{\"no.such\": 1}", "unknown key \"no.such\"")]
    [InlineData("{\"scan.interval\": {\"a\": 1}}", "wrong type")]
    [InlineData("{\"scan.interval\": [\"1m\"]}", "wrong type")]
    public void Rejects_bad_files_with_a_clear_message(string text, string expected)
    {
        Assert.Contains(expected, Assert.Throws<UsageException>(() => ConfigFile.Parse(text, "test")).Message);
    }

    [Fact]
    public void Flags_and_environment_win_over_the_file()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "scan.interval": "5m", "remediation.max-deletes": 3, "output": "json" }""");
            var environment = new Dictionary<string, string?> { ["VETH_EXPORTER_REMEDIATION_MAX_DELETES"] = "4" };
            var options = ExporterOptions.From(CommandLine.Parse(["--config.file", path, "--scan.interval", "2m"], Flags.All), n => environment.GetValueOrDefault(n));
            Assert.Equal(TimeSpan.FromMinutes(2), options.ScanInterval);
            Assert.Equal(4, options.MaxDeletes);
            Assert.Equal("json", options.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

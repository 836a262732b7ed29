using VethExporter.Cli;
using VethExporter.Common;

namespace VethExporter.Tests.Cli;

public class PrometheusDurationTests
{
    [Theory]
    [InlineData("0s", 0)]
    [InlineData("0", 0)]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("1500ms", 1.5)]
    [InlineData("1m30s500ms", 90.5)]
    public void Parses_prometheus_durations(string text, double seconds)
    {
        Assert.True(PrometheusDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("30m1h")]
    [InlineData("1x")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999y")]
    public void Rejects_what_prometheus_rejects(string text)
    {
        Assert.False(PrometheusDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(30, "30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(90.5, "1m30s500ms")]
    public void Formats_like_prometheus(double seconds, string text)
    {
        Assert.Equal(text, PrometheusDuration.Format(TimeSpan.FromSeconds(seconds)));
    }
}

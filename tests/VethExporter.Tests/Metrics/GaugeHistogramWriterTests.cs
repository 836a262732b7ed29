using System.Text;
using VethExporter.Metrics;

namespace VethExporter.Tests.Metrics;

public class GaugeHistogramWriterTests
{
    private static string Write(bool openMetrics)
    {
        var text = new StringBuilder();
        var ages = new Dictionary<string, IReadOnlyList<double>> { ["br0"] = [30, 60, 61, 5000] };
        GaugeHistogramWriter.Write(text, "x_seconds", "help", "bridge", ages, [60, 3600], openMetrics);
        return text.ToString();
    }

    [Fact]
    public void Buckets_are_cumulative_counts_of_current_values()
    {
        string text = Write(openMetrics: true);
        Assert.Contains("# TYPE x_seconds gaugehistogram\n", text);
        Assert.Contains("x_seconds_bucket{bridge=\"br0\",le=\"60.0\"} 2\n", text);
        Assert.Contains("x_seconds_bucket{bridge=\"br0\",le=\"3600.0\"} 3\n", text);
        Assert.Contains("x_seconds_bucket{bridge=\"br0\",le=\"+Inf\"} 4\n", text);
        Assert.Contains("x_seconds_gcount{bridge=\"br0\"} 4\n", text);
        Assert.Contains("x_seconds_gsum{bridge=\"br0\"} 5151\n", text);
    }

    [Fact]
    public void Text_format_falls_back_to_a_histogram_with_the_same_buckets()
    {
        string text = Write(openMetrics: false);
        Assert.Contains("# TYPE x_seconds histogram\n", text);
        Assert.Contains("x_seconds_bucket{bridge=\"br0\",le=\"60\"} 2\n", text);
        Assert.Contains("x_seconds_count{bridge=\"br0\"} 4\n", text);
        Assert.Contains("x_seconds_sum{bridge=\"br0\"} 5151\n", text);
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        Assert.Equal("a\\\"b\\\\c\\n", GaugeHistogramWriter.EscapeLabel("a\"b\\c\n"));
    }
}

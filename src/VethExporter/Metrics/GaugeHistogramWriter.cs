using System.Globalization;
using System.Text;

namespace VethExporter.Metrics;

/// <summary>
/// Writes a gauge histogram — the distribution of something that is, not of events that happened —
/// which prometheus-net cannot express. OpenMetrics has the type (with _gcount and _gsum); the 0.0.4
/// text format does not, so there it is exposed as a plain histogram (_count, _sum) whose buckets
/// carry the same numbers. Recording rules and dashboards use only the _bucket series, which are the
/// same in both forms.
/// </summary>
public static class GaugeHistogramWriter
{
    public static void Write(
        StringBuilder text, string name, string help, string labelName,
        IReadOnlyDictionary<string, IReadOnlyList<double>> valuesByLabel, double[] bounds, bool openMetrics)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(openMetrics ? " gaugehistogram\n" : " histogram\n");
        foreach (var (label, values) in valuesByLabel.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string labelPair = $"{labelName}=\"{EscapeLabel(label)}\"";
            foreach (double bound in bounds)
            {
                long count = values.Count(v => v <= bound);
                Sample(text, $"{name}_bucket{{{labelPair},le=\"{FormatBound(bound, openMetrics)}\"}}", count);
            }
            Sample(text, $"{name}_bucket{{{labelPair},le=\"+Inf\"}}", values.Count);
            Sample(text, $"{name}_{(openMetrics ? "gcount" : "count")}{{{labelPair}}}", values.Count);
            text.Append(name).Append(openMetrics ? "_gsum{" : "_sum{").Append(labelPair).Append("} ")
                .Append(values.Sum().ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void Sample(StringBuilder text, string series, long value) =>
        text.Append(series).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    /// <summary>OpenMetrics wants canonical floats (60.0); 0.0.4 exporters conventionally write 60.</summary>
    private static string FormatBound(double bound, bool openMetrics) =>
        openMetrics ? bound.ToString("0.0##", CultureInfo.InvariantCulture) : bound.ToString(CultureInfo.InvariantCulture);

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

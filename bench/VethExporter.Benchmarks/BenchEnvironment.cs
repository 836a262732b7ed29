using System.Globalization;

namespace VethExporter.Benchmarks;

/// <summary>
/// What the scale setup tells the benchmarks through the environment. The fake host namespace is
/// required; the pair counts only label the results and let the sanity check compare verdicts.
/// </summary>
internal static class BenchEnvironment
{
    public const string NetnsVariable = "VETH_BENCH_NETNS";
    public const string LeakedVariable = "VETH_BENCH_LEAKED";
    public const string LiveVariable = "VETH_BENCH_LIVE";
    public const string SummaryVariable = "VETH_BENCH_SUMMARY";

    /// <summary>The fake host's name under /run/netns, or null when it is not set.</summary>
    public static string? Netns => Variable(NetnsVariable);

    public static string NetnsPath => $"/run/netns/{Netns}";

    public static int? Leaked => Count(LeakedVariable);

    public static int? Live => Count(LiveVariable);

    /// <summary>Where to write the short result summary, if anywhere.</summary>
    public static string? SummaryPath => Variable(SummaryVariable);

    public static string SetupLabel =>
        Leaked is int leaked && Live is int live ? $"{leaked} leaked + {live} live" : Netns ?? "?";

    /// <summary>Why the environment cannot be benchmarked, or null when it can.</summary>
    public static string? Problem()
    {
        if (Netns is null)
            return $"{NetnsVariable} is not set: it must name the fake host network namespace (under /run/netns) to scan. "
                + "bench/scan-scale.sh builds one and sets it.";
        if (Netns.Contains('/', StringComparison.Ordinal) || !File.Exists(NetnsPath))
            return $"{NetnsVariable}={Netns}: no such network namespace ({NetnsPath} does not exist).";
        if (!Environment.IsPrivilegedProcess)
            return "must run as root: the scan reads every task's namespaces and enters the fake host namespace.";
        foreach (var name in new[] { LeakedVariable, LiveVariable })
        {
            if (Variable(name) is string text && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                return $"{name}={text}: not a count.";
        }
        return null;
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static int? Count(string name) =>
        int.TryParse(Variable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;
}

namespace VethExporter.Runtime;

/// <summary>How much one scan gives the runtimes: time and bytes, so a slow or flooding runtime cannot stall or bloat a scan.</summary>
/// <param name="Budget">All calls to one runtime in one scan, together (runtimes are asked in parallel).</param>
/// <param name="CallTimeout">One call: connect, request, whole answer.</param>
/// <param name="MaxListBytes">A container or sandbox list.</param>
/// <param name="MaxItemBytes">One container inspect or sandbox status.</param>
/// <param name="MaxSandboxes">Sandboxes of one runtime; more is an error, not a truncated list.</param>
/// <param name="Parallelism">Concurrent per-sandbox calls to one runtime.</param>
public sealed record RuntimeLimits(
    TimeSpan Budget,
    TimeSpan CallTimeout,
    int MaxListBytes = 8 * 1024 * 1024,
    int MaxItemBytes = 1024 * 1024,
    int MaxSandboxes = 4096,
    int Parallelism = 4)
{
    public static RuntimeLimits Default { get; } = Within(TimeSpan.FromSeconds(5));

    /// <summary>--runtime.timeout: the whole budget; one call may take half of it, at least a second.</summary>
    public static RuntimeLimits Within(TimeSpan budget) => new(budget, TimeSpan.FromTicks(Math.Max(budget.Ticks / 2, TimeSpan.TicksPerSecond)));
}

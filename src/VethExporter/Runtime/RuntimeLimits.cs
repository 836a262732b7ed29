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
    public static RuntimeLimits Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
}

namespace VethExporter.Remediation;

/// <summary>
/// Slows down token guessing: after a few failures in a minute, every further unauthenticated answer
/// waits a little longer (up to a few seconds). A success does not reset it early: the window does.
/// </summary>
public sealed class AuthThrottle(TimeProvider clock)
{
    private const int FreeFailures = 5;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _failures = new();

    /// <summary>Records a failure and returns how long to wait before answering it.</summary>
    public TimeSpan RecordFailure()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            while (_failures.Count > 0 && now - _failures.Peek() > Window) _failures.Dequeue();
            _failures.Enqueue(now);
            int excess = _failures.Count - FreeFailures;
            return excess <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, 250.0 * excess));
        }
    }
}

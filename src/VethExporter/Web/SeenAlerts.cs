namespace VethExporter.Web;

/// <summary>
/// Remembers which (fingerprint, startsAt) pairs were acted on, for a day, so Alertmanager's repeats
/// of a firing alert trigger remediation once. Bounded in size; the oldest are forgotten first.
/// </summary>
public sealed class SeenAlerts(TimeProvider clock)
{
    private const int Capacity = 10_000;
    private static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>True the first time a key is offered (within a day), false for repeats.</summary>
    public bool TryAdd(string key)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            while (_order.Count > 0 && (_order.Count >= Capacity || now - _seen[_order.Peek()] > Memory))
                _seen.Remove(_order.Dequeue());
            if (_seen.ContainsKey(key)) return false;
            _seen[key] = now;
            _order.Enqueue(key);
            return true;
        }
    }
}

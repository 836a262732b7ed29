namespace VethExporter.Alertmanager;

/// <summary>
/// Remembers which (fingerprint, startsAt) pairs were acted on, for a day, so Alertmanager's repeats
/// of a firing alert (and every poll that sees it again) trigger remediation once. Bounded in size; the
/// oldest are forgotten first.
/// </summary>
public sealed class SeenAlerts(TimeProvider clock)
{
    private const int Capacity = 10_000;
    private static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset At)> _order = new();

    /// <summary>True the first time a key is offered (within a day), false for repeats.</summary>
    public bool TryAdd(string key)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            while (_order.Count > 0 && (_order.Count >= Capacity || now - _order.Peek().At > Memory))
            {
                var (old, at) = _order.Dequeue();
                // A key forgotten and taken again has a later entry: only its own entry removes it.
                if (_seen.TryGetValue(old, out var current) && current == at) _seen.Remove(old);
            }
            if (_seen.ContainsKey(key)) return false;
            _seen[key] = now;
            _order.Enqueue((key, now));
            return true;
        }
    }

    /// <summary>Makes a key new again: its run was cut short (a budget, a full queue), so the alert may be taken up once more.</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _seen.Remove(key);
        }
    }
}

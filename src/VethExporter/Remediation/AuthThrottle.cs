namespace VethExporter.Remediation;

/// <summary>
/// Slows down token guessing per client: after a few failures in a minute, every further answer to that
/// client, a correct token included, waits a little longer (up to a few seconds), so a guesser gains
/// nothing by mixing in a token it knows. The window, not a success, ends it. Memory is bounded: past
/// <see cref="MaxClients"/> clients, new ones share one bucket (a flood from many addresses is still slowed).
/// </summary>
public sealed class AuthThrottle(TimeProvider clock)
{
    public const int MaxClients = 4096;
    private const int FreeFailures = 5;
    private const string Shared = "*";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    public int TrackedClients
    {
        get
        {
            lock (_gate) return _failures.Count;
        }
    }

    /// <summary>Records a failure of <paramref name="client"/> and returns how long to wait before answering it.</summary>
    public TimeSpan RecordFailure(string client)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var failures = Bucket(client, now, create: true)!;
            failures.Enqueue(now);
            return Penalty(failures.Count);
        }
    }

    /// <summary>How long to wait before answering <paramref name="client"/> at all, whatever it presents.</summary>
    public TimeSpan DelayFor(string client)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return Bucket(client, now, create: false) is { } failures ? Penalty(failures.Count + 1) : TimeSpan.Zero;
        }
    }

    private static TimeSpan Penalty(int failures)
    {
        int excess = failures - FreeFailures;
        return excess <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, 250.0 * excess));
    }

    private Queue<DateTimeOffset>? Bucket(string client, DateTimeOffset now, bool create)
    {
        if (!_failures.TryGetValue(client, out var failures))
        {
            if (_failures.Count >= MaxClients) Forget(now);
            if (_failures.Count >= MaxClients) client = Shared;
            if (!_failures.TryGetValue(client, out failures))
            {
                if (!create) return null;
                _failures[client] = failures = new Queue<DateTimeOffset>();
            }
        }
        while (failures.Count > 0 && now - failures.Peek() > Window) failures.Dequeue();
        return failures;
    }

    /// <summary>Drops the clients whose failures have all left the window.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var (client, failures) in _failures.ToList())
        {
            if (failures.Count == 0 || now - failures.Last() > Window) _failures.Remove(client);
        }
    }
}

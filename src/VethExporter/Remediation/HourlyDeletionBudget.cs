using System.Text.Json;
using System.Text.Json.Serialization;
using VethExporter.Tracking;

namespace VethExporter.Remediation;

/// <summary>
/// The node's hourly deletion budget (<c>--remediation.max-deletes-per-hour</c>): the times of the
/// deletions of the last hour, kept in a small file so that a restart, or a crash loop, does not refill
/// it. A file that cannot be read is doubt: the budget counts as spent for the next hour.
/// </summary>
public sealed class HourlyDeletionBudget
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly string? _path;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _deletions = new();

    public HourlyDeletionBudget(int limit, string? path, TimeProvider clock)
    {
        Limit = limit;
        _path = path;
        _clock = clock;
    }

    public int Limit { get; }

    /// <summary>Restores the deletions of the last hour.</summary>
    /// <returns>What happened, for the log.</returns>
    public string Load()
    {
        if (_path is null) return "hourly deletion budget kept in memory only";
        AtomicFile.RemoveAbandonedTemporaryFiles(_path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"no deletions recorded yet in {_path}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SpendAll($"cannot read {_path} ({e.Message})");
        }
        BudgetFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, BudgetJsonContext.Default.BudgetFile);
        }
        catch (JsonException e)
        {
            return SpendAll($"{_path} is not a budget file ({e.Message})");
        }
        if (file is not { Version: 1, Deletions: not null }) return SpendAll($"{_path} is of an unknown version");
        var since = _clock.GetUtcNow() - Window;
        lock (_gate)
        {
            foreach (var time in file.Deletions.Where(t => t > since).Order()) _deletions.Enqueue(time);
        }
        return $"{Used()} of {Limit} deletions of the hourly budget used (from {_path})";
    }

    public int Remaining() => Math.Max(0, Limit - Used());

    /// <summary>Counts one deletion and writes the budget down.</summary>
    /// <returns>null, or why the budget could not be written (it still holds in memory).</returns>
    public string? Spend()
    {
        BudgetFile file;
        lock (_gate)
        {
            Prune();
            _deletions.Enqueue(_clock.GetUtcNow());
            file = new BudgetFile(1, [.. _deletions]);
        }
        return _path is null ? null : AtomicFile.Replace(_path, stream => JsonSerializer.Serialize(stream, file, BudgetJsonContext.Default.BudgetFile));
    }

    private int Used()
    {
        lock (_gate)
        {
            Prune();
            return _deletions.Count;
        }
    }

    private void Prune()
    {
        var since = _clock.GetUtcNow() - Window;
        while (_deletions.Count > 0 && _deletions.Peek() <= since) _deletions.Dequeue();
    }

    private string SpendAll(string problem)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            for (int i = 0; i < Limit; i++) _deletions.Enqueue(now);
        }
        return $"{problem}: counting the hourly budget as spent until {now + Window:u}";
    }

    internal sealed record BudgetFile(int Version, IReadOnlyList<DateTimeOffset>? Deletions);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HourlyDeletionBudget.BudgetFile))]
internal sealed partial class BudgetJsonContext : JsonSerializerContext;

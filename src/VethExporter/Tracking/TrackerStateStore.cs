using System.Globalization;
using System.Text.Json;

namespace VethExporter.Tracking;

/// <summary>
/// Reads and writes the tracker's state file. Writes are atomic (temporary file in the same directory,
/// fsync, rename over, fsync the directory), so a crash leaves either the old file or the new one, never
/// half of one. Neither direction throws: the exporter must keep exporting with a bad or unwritable file,
/// at the price of history, and say so.
/// </summary>
public sealed class TrackerStateStore
{
    private readonly TimeProvider _time;

    public TrackerStateStore(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _time = timeProvider;
    }

    public string Path { get; }

    /// <summary>
    /// Loads the state. A missing file is a first run; a file that cannot be read or parsed, or is of
    /// another schema version, is moved aside to <c>&lt;file&gt;.corrupt-&lt;UTC time&gt;</c> for a human to
    /// look at, and the tracker starts fresh.
    /// </summary>
    public StateLoadResult Load(out TrackerState? state)
    {
        state = null;
        AtomicFile.RemoveAbandonedTemporaryFiles(Path);

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new StateLoadResult(StateLoadStatus.Missing, $"no state file at {Path} yet: starting fresh");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SetAside($"cannot read it: {e.Message}");
        }

        if (!TryParse(bytes, out state, out string? problem)) return SetAside(problem);
        return new StateLoadResult(StateLoadStatus.Restored,
            $"restored {state.Orphans.Count} orphans and {state.DetectedTotals.Sum(t => t.Count)} past detections from {Path}");
    }

    /// <returns>null when the state is on disk, otherwise what went wrong.</returns>
    public string? Save(TrackerState state) =>
        AtomicFile.Replace(Path, stream => JsonSerializer.Serialize(stream, state, TrackerStateJsonContext.Default.TrackerState));

    /// <summary>
    /// Parses and checks a state file. The version is read first, on its own, so that a file from a newer
    /// build is reported as such rather than as whatever field failed to bind.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrackerState? state,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        state = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"not a state object (a JSON {root.ValueKind})";
                return false;
            }
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v))
            {
                problem = "no schema version";
                return false;
            }
            if (v != TrackerState.CurrentVersion)
            {
                problem = $"schema version {v}, this build reads only version {TrackerState.CurrentVersion}";
                return false;
            }
            state = root.Deserialize(TrackerStateJsonContext.Default.TrackerState);
        }
        catch (JsonException e)
        {
            problem = $"not valid state JSON: {e.Message}";
            return false;
        }

        if (state is null)
        {
            problem = "empty state";
            return false;
        }
        problem = Validate(state);
        if (problem is null) return true;
        state = null;
        return false;
    }

    private static string? Validate(TrackerState state)
    {
        foreach (var orphan in state.Orphans)
        {
            if (orphan.Name.Length == 0 || orphan.Reason.Length == 0 || orphan.Bridge.Length == 0)
                return $"orphan entry for ifindex {orphan.Ifindex} lacks a name, reason or bridge";
            if (orphan.LastSeen < orphan.FirstSeen)
                return $"orphan {orphan.Name} was last seen before it was first seen";
        }
        if (state.DetectedTotals.Any(t => t.Count < 0)) return "a negative detection total";
        return null;
    }

    private StateLoadResult SetAside(string problem)
    {
        string stamp = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string target = $"{Path}.corrupt-{stamp}";
        for (int n = 2; File.Exists(target) || System.IO.Directory.Exists(target); n++) target = $"{Path}.corrupt-{stamp}-{n}";
        try
        {
            File.Move(Path, target);
            return new StateLoadResult(StateLoadStatus.Corrupt,
                $"state file {Path} is unusable ({problem}): moved to {target}, starting fresh", target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new StateLoadResult(StateLoadStatus.Corrupt,
                $"state file {Path} is unusable ({problem}) and could not be moved aside ({e.Message}): starting fresh, the next save replaces it");
        }
    }
}

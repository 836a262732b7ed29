using System.Buffers;

namespace VethExporter.Firewall;

/// <summary>Reads a child's output incrementally, never holding more than a cap.</summary>
public static class CappedReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Reads to the end, or stops as soon as the data would pass <paramref name="cap"/> bytes
    /// (<see cref="CappedRead.OverCap"/>). With <paramref name="drain"/> the rest is read and dropped
    /// instead, so a child writing to a pipe nobody reads cannot block on it.
    /// </summary>
    public static async Task<CappedRead> ReadAsync(Stream stream, long cap, bool drain, CancellationToken cancellationToken)
    {
        var kept = new MemoryStream();
        bool over = false;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                long room = cap - kept.Length;
                if (n > room)
                {
                    kept.Write(chunk, 0, (int)Math.Max(room, 0));
                    over = true;
                    if (!drain) break;
                    continue;
                }
                if (!over) kept.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new CappedRead(kept.ToArray(), over);
    }
}

/// <summary>What was read from a stream, at most a cap's worth, and whether the stream had more.</summary>
public sealed record CappedRead(byte[] Data, bool OverCap);

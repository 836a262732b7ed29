namespace VethExporter.Common;

/// <summary>Reads a stream up to a limit; a longer one is abandoned as soon as it passes it.</summary>
public static class BoundedRead
{
    /// <returns>All of <paramref name="stream"/>, or null as soon as it passes <paramref name="limit"/> bytes.</returns>
    public static async Task<byte[]?> ReadAtMostAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0) return buffer.ToArray();
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
    }
}

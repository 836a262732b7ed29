using Microsoft.AspNetCore.Http;

namespace VethExporter.Web;

/// <summary>Reads a body up to a limit; a larger one is refused (413) without being read further.</summary>
public static class RequestBody
{
    /// <returns>The body, or null when it is over <paramref name="limit"/> bytes.</returns>
    public static Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken) =>
        request.ContentLength > limit ? Task.FromResult<byte[]?>(null) : ReadAtMostAsync(request.Body, limit, cancellationToken);

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

using Microsoft.AspNetCore.Http;

namespace VethExporter.Web;

/// <summary>Reads a request body up to a limit; a larger one is refused (413) without being read further.</summary>
public static class RequestBody
{
    /// <returns>The body, or null when it is over <paramref name="limit"/> bytes.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            int n = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (n == 0) return buffer.ToArray();
            if (buffer.Length + n > limit) return null;
            buffer.Write(chunk, 0, n);
        }
    }
}

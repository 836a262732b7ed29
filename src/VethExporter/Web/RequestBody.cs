using Microsoft.AspNetCore.Http;

namespace VethExporter.Web;

/// <summary>Reads a body up to a limit; a larger one is refused (413) without being read further.</summary>
public static class RequestBody
{
    /// <returns>The body, or null when it is over <paramref name="limit"/> bytes.</returns>
    public static Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken) =>
        request.ContentLength > limit ? Task.FromResult<byte[]?>(null) : Common.BoundedRead.ReadAtMostAsync(request.Body, limit, cancellationToken);
}

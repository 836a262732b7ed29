using System.Net;
using System.Net.Sockets;
using VethExporter.Common;

namespace VethExporter.Runtime;

/// <summary>
/// The Docker Engine API over a unix socket, for dockerd and podman's Docker-compatible service (API v1.41, which
/// both speak: docker 20.10, podman 4). Each call has its own timeout and a cap on the answer's bytes; every failure
/// is an exception whose message says what went wrong (<see cref="RuntimeAnswerException"/> for an unusable answer).
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    private const string Api = "/v1.41";
    private readonly HttpClient _http;
    private readonly RuntimeLimits _limits;

    /// <param name="onServer">Told the pid serving each connection (see <see cref="RuntimeStatus.ServerPid"/>).</param>
    public DockerEngineClient(string socketPath, RuntimeLimits limits, Action<int>? onServer = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        SocketPath = socketPath;
        _limits = limits;
        _http = new HttpClient(UnixSocketHandler.Create(socketPath, limits.CallTimeout, limits.Parallelism, onServer), disposeHandler: true)
        {
            BaseAddress = UnixSocketHandler.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // each call has its own, linked to the caller's budget
        };
    }

    public string SocketPath { get; }

    /// <summary><c>GET /version</c>: up-ness, and podman (a "Podman Engine" component) told from docker.</summary>
    public async Task<DockerVersion> VersionAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/version", _limits.MaxItemBytes, cancellationToken).ConfigureAwait(false);
        Expect(status, body, "/version", HttpStatusCode.OK);
        return DockerJson.ParseVersion(body);
    }

    /// <summary><c>GET /v1.41/containers/json?all=1</c>: every container, running or not.</summary>
    public async Task<List<DockerListedContainer>> ListAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, Api + "/containers/json?all=1", _limits.MaxListBytes, cancellationToken).ConfigureAwait(false);
        Expect(status, body, "/containers/json", HttpStatusCode.OK);
        return DockerJson.ParseList(body, _limits.MaxSandboxes);
    }

    /// <summary><c>GET /v1.41/containers/{id}/json</c>; null when the container is gone (404).</summary>
    public async Task<DockerContainer?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        RequireId(id);
        var (status, body) = await SendAsync(HttpMethod.Get, $"{Api}/containers/{id}/json", _limits.MaxItemBytes, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound) return null;
        Expect(status, body, "/containers/{id}/json", HttpStatusCode.OK);
        var container = DockerJson.ParseInspect(body);
        if (container.Id != id) throw new RuntimeAnswerException($"/containers/{id}/json: answered for another container, {container.Id}");
        return container;
    }

    /// <summary>
    /// <c>POST /v1.41/containers/{id}/stop?t=N</c>: the runtime stops it (and runs its own network teardown).
    /// </summary>
    /// <returns>true when stopped now, false when it was not running (304) or is gone (404).</returns>
    public async Task<bool> StopAsync(string id, int graceSeconds, CancellationToken cancellationToken)
    {
        RequireId(id);
        ArgumentOutOfRangeException.ThrowIfNegative(graceSeconds);
        var (status, body) = await SendAsync(HttpMethod.Post, $"{Api}/containers/{id}/stop?t={graceSeconds}", _limits.MaxItemBytes, cancellationToken).ConfigureAwait(false);
        if (status is HttpStatusCode.NotModified or HttpStatusCode.NotFound) return false;
        Expect(status, body, "/containers/{id}/stop", HttpStatusCode.NoContent);
        return true;
    }

    /// <summary><c>DELETE /v1.41/containers/{id}?force=1</c>.</summary>
    /// <returns>true when removed now, false when already gone (404).</returns>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        RequireId(id);
        var (status, body) = await SendAsync(HttpMethod.Delete, $"{Api}/containers/{id}?force=1", _limits.MaxItemBytes, cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.NotFound) return false;
        // podman's compatible service answers 200 with a report, dockerd 204.
        Expect(status, body, "/containers/{id}", HttpStatusCode.NoContent, HttpStatusCode.OK);
        return true;
    }

    private static void RequireId(string id)
    {
        if (!DockerJson.IsContainerId(id)) throw new ArgumentException($"not a full container id: \"{DockerJson.Shorten(id)}\"", nameof(id));
    }

    private static void Expect(HttpStatusCode status, byte[] body, string what, params HttpStatusCode[] wanted)
    {
        if (wanted.Contains(status)) return;
        string message = ErrorMessage(body);
        throw new RuntimeAnswerException($"{what}: HTTP {(int)status}{(message.Length > 0 ? ": " + message : "")}");
    }

    /// <summary>The engine's <c>{"message": …}</c>, or the start of the body, on one line.</summary>
    private static string ErrorMessage(byte[] body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String)
                return DockerJson.Shorten(m.GetString()!.ReplaceLineEndings(" "));
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return DockerJson.Shorten(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).ReplaceLineEndings(" ").Trim());
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(HttpMethod method, string path, int maxBytes, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.CallTimeout);
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength is long length && length > maxBytes)
                throw new RuntimeAnswerException($"{Name(path)}: an answer of {length} bytes, more than the {maxBytes} we read");
            using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            byte[] body = await BoundedRead.ReadAtMostAsync(stream, maxBytes, timeout.Token).ConfigureAwait(false)
                ?? throw new RuntimeAnswerException($"{Name(path)}: an answer of more than the {maxBytes} bytes we read");
            return (response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name(path)}: no answer within {_limits.CallTimeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            throw new RuntimeAnswerException($"{Name(path)}: {Describe(e)}", e);
        }
    }

    private static string Name(string path)
    {
        int q = path.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? path : path[..q];
    }

    internal static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => $"cannot connect: {s.SocketErrorCode} ({s.Message})",
        IOException io => $"the connection failed: {io.Message}",
        _ => e.Message,
    };

    public void Dispose() => _http.Dispose();
}

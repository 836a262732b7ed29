using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace VethExporter.TestSupport;

/// <summary>What a fake CRI method answers: a message, a gRPC status, or raw bytes as the message (garbage).</summary>
internal sealed record CriReply(IMessage? Message = null, int GrpcStatus = 0, byte[]? Raw = null, TimeSpan Delay = default);

/// <summary>
/// A CRI RuntimeService on a unix socket for tests: Kestrel on HTTP/2 without TLS, gRPC framing by hand, each method
/// ("ListPodSandbox", …) answered by <c>handler</c> from the request's message bytes.
/// </summary>
internal sealed class FakeCriServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeCriServer(WebApplication app, string path)
    {
        _app = app;
        Path = path;
    }

    public string Path { get; }

    public static async Task<FakeCriServer> StartAsync(string path, Func<string, byte[], CriReply> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(path, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(async context =>
        {
            string method = context.Request.Path.Value!.Split('/')[^1];
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            byte[] framed = body.ToArray();
            byte[] message = framed.Length >= 5 ? framed[5..] : [];
            var reply = handler(method, message);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, context.RequestAborted);
            context.Response.ContentType = "application/grpc";
            byte[]? payload = reply.Raw ?? reply.Message?.ToByteArray();
            if (reply.GrpcStatus == 0 && payload is not null)
            {
                var header = new byte[5];
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)payload.Length);
                await context.Response.Body.WriteAsync(header);
                await context.Response.Body.WriteAsync(payload);
            }
            context.Response.AppendTrailer("grpc-status", reply.GrpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (reply.GrpcStatus != 0) context.Response.AppendTrailer("grpc-message", "fake says no");
        });
        await app.StartAsync();
        return new FakeCriServer(app, path);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

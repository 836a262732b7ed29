using System.Net.Http.Headers;

namespace VethExporter.KernelTests.Support;

/// <summary>How a test talks to the exporter it starts: scheme, a handler carrying TLS settings, default credentials, and whether a token file is given.</summary>
public sealed record ServeSettings(
    string Scheme = "http",
    HttpMessageHandler? Handler = null,
    AuthenticationHeaderValue? Authorization = null,
    bool WithToken = true);

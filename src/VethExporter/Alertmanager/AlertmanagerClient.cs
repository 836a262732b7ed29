using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using VethExporter.Common;

namespace VethExporter.Alertmanager;

/// <summary>
/// Reads the alerts that may trigger remediation from Alertmanager's v2 API: active, not silenced, not
/// inhibited, of the allowed names. The bearer token file is re-read on every poll so that it can be
/// rotated in place; the CA and client certificate are read once, at start. Never throws for a bad
/// answer: every failure comes back as an error string, and nothing is acted on for it.
/// </summary>
public sealed class AlertmanagerClient : IDisposable
{
    public const int MaxAnswerBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _alerts;
    private readonly string? _tokenFile;

    public AlertmanagerClient(AlertmanagerPullOptions options, IReadOnlyCollection<string> alertNames)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseProxy = false,
        };
        if (options.CertFile is not null)
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile)];
        if (options.CaFile is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(options.CaFile);
            if (roots.Count == 0) throw new UsageException($"--remediation.alertmanager.ca-file {options.CaFile}: no certificate in it");
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedBy(roots, certificate, errors);
        }
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
        _tokenFile = options.BearerTokenFile;
        _alerts = new Uri(WithTrailingSlash(options.Url), "api/v2/alerts?" + Query(alertNames));
    }

    public Uri AlertsUrl => _alerts;

    public async Task<AlertsApiResult> FetchAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _alerts);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_tokenFile is not null)
        {
            string token;
            try
            {
                token = (await File.ReadAllTextAsync(_tokenFile, cancellationToken).ConfigureAwait(false)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return AlertsApiResult.Fail($"cannot read the bearer token file: {e.Message}");
            }
            if (token.Length == 0) return AlertsApiResult.Fail("the bearer token file is empty");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return AlertsApiResult.Fail($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (response.Content.Headers.ContentLength > MaxAnswerBytes) return AlertsApiResult.Fail($"the answer is larger than {MaxAnswerBytes} bytes");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var body = await Common.BoundedRead.ReadAtMostAsync(stream, MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
            return body is null ? AlertsApiResult.Fail($"the answer is larger than {MaxAnswerBytes} bytes") : AlertsApiParser.Parse(body);
        }
        catch (HttpRequestException e)
        {
            return AlertsApiResult.Fail(e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AlertsApiResult.Fail($"no answer within {RequestTimeout.TotalSeconds:F0}s");
        }
        catch (IOException e)
        {
            return AlertsApiResult.Fail(e.Message);
        }
    }

    /// <summary>The server filters too, but the answer is checked again (<see cref="AlertsApiParser"/>): a silence must hold whatever it sends.</summary>
    internal static string Query(IReadOnlyCollection<string> alertNames)
    {
        string names = string.Join('|', alertNames.Order(StringComparer.Ordinal).Select(Regex.Escape));
        string filter = $"alertname=~\"{names.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        return new StringBuilder("active=true&silenced=false&inhibited=false&unprocessed=false&filter=")
            .Append(Uri.EscapeDataString(filter)).ToString();
    }

    private static Uri WithTrailingSlash(Uri url) =>
        url.AbsolutePath.EndsWith('/') ? url : new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;

    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        // A name mismatch or a missing certificate is never excused; only the chain is judged against our CA.
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    public void Dispose() => _http.Dispose();
}

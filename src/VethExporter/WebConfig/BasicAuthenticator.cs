using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace VethExporter.WebConfig;

/// <summary>
/// Checks an Authorization: Basic header against basic_auth_users, as exporter-toolkit does: an unknown
/// user still pays one bcrypt comparison (no timing hint of who exists), one comparison runs at a time
/// (a flood of guesses cannot take every core), and outcomes are cached by a digest of user, hash and
/// password so that a scraper pays bcrypt once, not on every scrape.
/// </summary>
public sealed class BasicAuthenticator : IDisposable
{
    public const int CacheSize = 256;

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly ConcurrentDictionary<string, bool> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _bcrypt = new(1, 1);
    private readonly string _decoy;
    private long _comparisons;

    public BasicAuthenticator(IReadOnlyDictionary<string, string> users)
    {
        _users = users;
        // Same cost as the hashes configured, so an unknown user takes as long as a known one.
        int cost = users.Values.Select(h => int.Parse(h.AsSpan(h.IndexOf('$', 1) + 1, 2), System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(10).Max();
        _decoy = BCrypt.Net.BCrypt.HashPassword(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), cost);
    }

    /// <summary>How many bcrypt comparisons have run (the cache saves the rest).</summary>
    public long Comparisons => Interlocked.Read(ref _comparisons);

    public async ValueTask<bool> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (!TryParse(authorization, out string user, out string password)) return false;
        bool known = _users.TryGetValue(user, out string? hash);
        hash ??= _decoy;
        string key = CacheKey(user, hash, password);
        if (_cache.TryGetValue(key, out bool cached)) return cached;

        await _bcrypt.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool ok;
        try
        {
            Interlocked.Increment(ref _comparisons);
            ok = Verify(password, hash) && known;
        }
        finally
        {
            _bcrypt.Release();
        }
        if (_cache.Count >= CacheSize)
        {
            // Bounded: drop an arbitrary entry, as exporter-toolkit's cache does.
            foreach (var stale in _cache.Keys.Take(1)) _cache.TryRemove(stale, out _);
        }
        _cache[key] = ok;
        return ok;
    }

    public void Dispose() => _bcrypt.Dispose();

    /// <summary>Splits "Basic base64(user:password)"; false for any other scheme or a malformed value.</summary>
    public static bool TryParse(string? authorization, out string user, out string password)
    {
        user = password = "";
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        string encoded = authorization[6..].Trim();
        if (encoded.Length > 4096) return false;
        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return false;
        }
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return false;
        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    private static bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    private static string CacheKey(string user, string hash, string password) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Length}:{user}{hash.Length}:{hash}{password}")));
}

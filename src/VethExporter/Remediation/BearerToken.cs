using System.Security.Cryptography;
using System.Text;

namespace VethExporter.Remediation;

/// <summary>
/// The shared secret that gates remediation, read from a file. The content is read again (through any
/// symlinks) at most once a second, so a rotated Kubernetes Secret, where only the <c>..data</c> link
/// changes, takes effect without a restart. A file that goes missing, empty, unreadable, too short or back
/// to the shipped placeholder disables the endpoints (<see cref="TokenCheck.Unavailable"/>) instead of
/// leaving the last token valid. Compared in constant time; never logged.
/// </summary>
public sealed class BearerToken(string path, TimeProvider clock)
{
    /// <summary>Shorter tokens can be guessed; 16 bytes is what `openssl rand -hex 8` gives.</summary>
    public const int MinimumBytes = 16;

    /// <summary>The placeholder of deploy/remediation/secret.yaml: never a token.</summary>
    public const string PlaceholderPrefix = "REPLACE-ME";

    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;
    private byte[]? _digest;
    private string? _problem = "not loaded yet";

    public string Path => path;

    /// <summary>A token file others may read is a leak waiting to happen; the caller warns once.</summary>
    public bool IsGroupOrWorldReadable =>
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;

    /// <summary>Loads the token now; throws with a readable message when it is unusable.</summary>
    public void Load()
    {
        lock (_gate)
        {
            Refresh(clock.GetUtcNow());
            if (_problem is not null) throw new InvalidOperationException(_problem);
        }
    }

    /// <param name="problem">When the token is unavailable: why (for the caller's warning).</param>
    public TokenCheck Check(string? presented, out string? problem)
    {
        byte[]? digest;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (now - _checkedAt >= RecheckEvery) Refresh(now);
            digest = _digest;
            problem = _problem;
        }
        if (digest is null) return TokenCheck.Unavailable;
        // Hashing first makes the comparison independent of the presented length too.
        return presented is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), digest)
            ? TokenCheck.Match
            : TokenCheck.Mismatch;
    }

    /// <returns>null for a usable token, otherwise why it is not one.</returns>
    public static string? Unusable(string token) =>
        token.Length == 0 ? "holds no token"
        : token.StartsWith(PlaceholderPrefix, StringComparison.Ordinal) ? "still holds the placeholder of the deploy/ example"
        : Encoding.UTF8.GetByteCount(token) < MinimumBytes ? $"holds a token shorter than {MinimumBytes} bytes"
        : null;

    private void Refresh(DateTimeOffset now)
    {
        _checkedAt = now;
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Disable($"cannot be read: {e.Message}");
            return;
        }
        if (Unusable(token) is { } why)
        {
            Disable(why);
            return;
        }
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _problem = null;
    }

    private void Disable(string why)
    {
        _digest = null;
        _problem = $"{path} {why}";
    }

    /// <summary>Extracts the credentials of an "Authorization: Bearer …" header.</summary>
    public static string? FromHeader(string? authorization)
    {
        const string scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[scheme.Length..].Trim()
            : null;
    }
}

/// <summary>What a presented token is worth.</summary>
public enum TokenCheck
{
    Match,
    Mismatch,

    /// <summary>The token file is missing, empty, unreadable or holds no usable token: nobody gets in.</summary>
    Unavailable,
}

using System.Security.Cryptography;
using System.Text;

namespace VethExporter.Remediation;

/// <summary>
/// The shared secret that gates remediation, read from a file and re-read when the file changes, so a
/// rotated Kubernetes Secret takes effect without a restart. Compared in constant time; never logged.
/// </summary>
public sealed class BearerToken(string path)
{
    private readonly Lock _gate = new();
    private (DateTime Modified, long Length) _stamp;
    private byte[] _digest = [];

    /// <summary>A token file others may read is a leak waiting to happen; the caller warns once.</summary>
    public bool IsGroupOrWorldReadable =>
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;

    /// <summary>Loads the token now; throws with a readable message when it is missing or empty.</summary>
    public void Load()
    {
        lock (_gate) Refresh(force: true);
    }

    public bool Matches(string? presented)
    {
        if (presented is null) return false;
        byte[] digest;
        lock (_gate)
        {
            try
            {
                Refresh(force: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Keep the last good token while the file is being replaced.
            }
            digest = _digest;
        }
        // Hashing first makes the comparison independent of the presented length too.
        return digest.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), digest);
    }

    private void Refresh(bool force)
    {
        var info = new FileInfo(path);
        var stamp = (info.LastWriteTimeUtc, info.Exists ? info.Length : -1);
        if (!force && stamp == _stamp) return;
        string token = File.ReadAllText(path).Trim();
        if (token.Length == 0) throw new InvalidOperationException($"{path} holds no token");
        _digest = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _stamp = stamp;
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

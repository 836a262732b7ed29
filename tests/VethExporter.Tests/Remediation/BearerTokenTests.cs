using Microsoft.Extensions.Time.Testing;
using VethExporter.Remediation;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Remediation;

public sealed class BearerTokenTests : IDisposable
{
    private const string Good = "s3cret-token-0123456789";
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private string TokenFile => _directory.File("token");

    private BearerToken Loaded(string content)
    {
        File.WriteAllText(TokenFile, content);
        var token = new BearerToken(TokenFile, _clock);
        token.Load();
        return token;
    }

    private static TokenCheck Check(BearerToken token, string? presented) => token.Check(presented, out _);

    [Fact]
    public void Matches_only_the_exact_token_ignoring_the_trailing_newline()
    {
        var token = Loaded(Good + "\n");
        Assert.Equal(TokenCheck.Match, Check(token, Good));
        Assert.Equal(TokenCheck.Mismatch, Check(token, Good[..^1]));
        Assert.Equal(TokenCheck.Mismatch, Check(token, Good + "2"));
        Assert.Equal(TokenCheck.Mismatch, Check(token, ""));
        Assert.Equal(TokenCheck.Mismatch, Check(token, null));
    }

    [Fact]
    public void A_rewritten_file_takes_effect_within_a_second_whatever_its_timestamps_say()
    {
        var token = Loaded(Good);
        var stamp = File.GetLastWriteTimeUtc(TokenFile);
        File.WriteAllText(TokenFile, "another-token-of-the-same-len");
        File.SetLastWriteTimeUtc(TokenFile, stamp);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenCheck.Match, Check(token, "another-token-of-the-same-len"));
        Assert.Equal(TokenCheck.Mismatch, Check(token, Good));
    }

    /// <summary>
    /// How a Kubernetes Secret volume rotates: the file is a link into ..data, a link to a timestamped
    /// directory; only ..data is swapped, the file's own link never changes.
    /// </summary>
    [Fact]
    public void A_kubernetes_style_secret_rotation_takes_effect()
    {
        string volume = _directory.File("volume");
        Directory.CreateDirectory(Path.Combine(volume, "..2026_01_01_a"));
        Directory.CreateDirectory(Path.Combine(volume, "..2026_01_01_b"));
        File.WriteAllText(Path.Combine(volume, "..2026_01_01_a", "token"), Good);
        File.WriteAllText(Path.Combine(volume, "..2026_01_01_b", "token"), "rotated-token-0123456789");
        Directory.CreateSymbolicLink(Path.Combine(volume, "..data"), "..2026_01_01_a");
        File.CreateSymbolicLink(Path.Combine(volume, "token"), "..data/token");
        var token = new BearerToken(Path.Combine(volume, "token"), _clock);
        token.Load();
        Assert.Equal(TokenCheck.Match, Check(token, Good));

        // kubelet writes the new directory, links ..data_tmp to it and renames it over ..data.
        Directory.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..2026_01_01_b");
        using (var rename = System.Diagnostics.Process.Start("mv", ["-Tf", Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data")]))
        {
            rename.WaitForExit();
            Assert.Equal(0, rename.ExitCode);
        }
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenCheck.Match, Check(token, "rotated-token-0123456789"));
        Assert.Equal(TokenCheck.Mismatch, Check(token, Good));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("empty")]
    [InlineData("short")]
    [InlineData("placeholder")]
    public void A_token_file_that_goes_bad_lets_nobody_in_instead_of_keeping_the_last_token(string how)
    {
        var token = Loaded(Good);
        switch (how)
        {
            case "delete": File.Delete(TokenFile); break;
            case "empty": File.WriteAllText(TokenFile, "\n"); break;
            case "short": File.WriteAllText(TokenFile, "abc"); break;
            default: File.WriteAllText(TokenFile, "REPLACE-ME-WITH-A-RANDOM-TOKEN"); break;
        }
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenCheck.Unavailable, token.Check(Good, out string? problem));
        Assert.Contains(TokenFile, problem);

        File.WriteAllText(TokenFile, Good);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TokenCheck.Match, token.Check(Good, out problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("", "holds no token")]
    [InlineData("  \n", "holds no token")]
    [InlineData("fifteen-bytes!!", "shorter than 16 bytes")]
    [InlineData("REPLACE-ME-WITH-A-RANDOM-TOKEN", "placeholder")]
    public void Unusable_tokens_are_refused_at_start(string content, string why)
    {
        File.WriteAllText(TokenFile, content);
        var error = Assert.Throws<InvalidOperationException>(() => new BearerToken(TokenFile, _clock).Load());
        Assert.Contains(why, error.Message);
    }

    [Fact]
    public void Sixteen_bytes_are_enough()
    {
        Assert.Null(BearerToken.Unusable("0123456789abcdef"));
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc ", "abc")]
    [InlineData("Basic abc", null)]
    [InlineData(null, null)]
    public void Reads_the_bearer_scheme_only(string? header, string? token)
    {
        Assert.Equal(token, BearerToken.FromHeader(header));
    }

    [Fact]
    public void Readable_by_others_is_noticed()
    {
        File.WriteAllText(TokenFile, Good);
        File.SetUnixFileMode(TokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.False(new BearerToken(TokenFile, _clock).IsGroupOrWorldReadable);
        File.SetUnixFileMode(TokenFile, UnixFileMode.UserRead | UnixFileMode.OtherRead);
        Assert.True(new BearerToken(TokenFile, _clock).IsGroupOrWorldReadable);
    }

    public void Dispose() => _directory.Dispose();
}

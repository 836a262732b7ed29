using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

public sealed class BearerTokenTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void Matches_only_the_exact_token_ignoring_the_trailing_newline()
    {
        File.WriteAllText(_path, "s3cret-token\n");
        var token = new BearerToken(_path);
        token.Load();
        Assert.True(token.Matches("s3cret-token"));
        Assert.False(token.Matches("s3cret-toke"));
        Assert.False(token.Matches("s3cret-token2"));
        Assert.False(token.Matches(""));
        Assert.False(token.Matches(null));
    }

    [Fact]
    public void A_rotated_file_takes_effect_without_a_restart()
    {
        File.WriteAllText(_path, "old");
        var token = new BearerToken(_path);
        token.Load();
        File.WriteAllText(_path, "new-and-longer");
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddSeconds(5));
        Assert.True(token.Matches("new-and-longer"));
        Assert.False(token.Matches("old"));
    }

    [Fact]
    public void An_empty_file_is_an_error_at_load()
    {
        File.WriteAllText(_path, "  \n");
        Assert.Throws<InvalidOperationException>(() => new BearerToken(_path).Load());
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
        File.WriteAllText(_path, "t");
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.False(new BearerToken(_path).IsGroupOrWorldReadable);
        File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.OtherRead);
        Assert.True(new BearerToken(_path).IsGroupOrWorldReadable);
    }

    public void Dispose() => File.Delete(_path);
}

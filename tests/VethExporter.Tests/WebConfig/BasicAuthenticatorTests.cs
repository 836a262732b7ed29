using System.Text;
using VethExporter.WebConfig;

namespace VethExporter.Tests.WebConfig;

public class BasicAuthenticatorTests
{
    // Cost 4, the lowest bcrypt allows: the tests check behaviour, not strength.
    private static readonly string AliceHash = BCrypt.Net.BCrypt.HashPassword("s3cret", 4);

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static BasicAuthenticator Authenticator() =>
        new(new Dictionary<string, string> { ["alice"] = AliceHash, ["bob"] = BCrypt.Net.BCrypt.HashPassword("other", 4) });

    [Fact]
    public async Task The_right_password_passes_and_a_wrong_one_or_an_unknown_user_does_not()
    {
        using var auth = Authenticator();
        Assert.True(await auth.AuthenticateAsync(Basic("alice", "s3cret"), default));
        Assert.False(await auth.AuthenticateAsync(Basic("alice", "wrong"), default));
        Assert.False(await auth.AuthenticateAsync(Basic("bob", "s3cret"), default));
        Assert.False(await auth.AuthenticateAsync(Basic("mallory", "s3cret"), default));
        Assert.False(await auth.AuthenticateAsync(Basic("alice", ""), default));
        // The unknown user paid a comparison too: no timing hint of who exists.
        Assert.Equal(5, auth.Comparisons);
    }

    [Fact]
    public async Task Repeated_credentials_pay_bcrypt_once()
    {
        using var auth = Authenticator();
        for (int i = 0; i < 20; i++) Assert.True(await auth.AuthenticateAsync(Basic("alice", "s3cret"), default));
        for (int i = 0; i < 20; i++) Assert.False(await auth.AuthenticateAsync(Basic("alice", "guess"), default));
        Assert.Equal(2, auth.Comparisons);
    }

    [Fact]
    public async Task The_cache_stays_bounded_and_still_answers_right()
    {
        using var auth = Authenticator();
        for (int i = 0; i < BasicAuthenticator.CacheSize + 50; i++) Assert.False(await auth.AuthenticateAsync(Basic("alice", $"guess{i}"), default));
        Assert.True(await auth.AuthenticateAsync(Basic("alice", "s3cret"), default));
        Assert.False(await auth.AuthenticateAsync(Basic("alice", "guess1"), default));
    }

    [Fact]
    public async Task Concurrent_checks_agree()
    {
        using var auth = Authenticator();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => auth.AuthenticateAsync(Basic("alice", i % 2 == 0 ? "s3cret" : "nope"), default).AsTask()));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => i % 2 == 0), results);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic")]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic YWxpY2U=")] // "alice" without a colon
    [InlineData("Basic /w==")]      // not UTF-8
    public async Task Malformed_headers_are_refused_without_bcrypt(string? header)
    {
        using var auth = Authenticator();
        Assert.False(await auth.AuthenticateAsync(header, default));
        Assert.Equal(0, auth.Comparisons);
    }

    [Fact]
    public void Parses_the_scheme_case_insensitively_and_keeps_colons_in_the_password()
    {
        Assert.True(BasicAuthenticator.TryParse("basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p:q")), out string user, out string password));
        Assert.Equal("u", user);
        Assert.Equal("p:q", password);
    }
}

using VethExporter.WebConfig;

namespace VethExporter.Tests.WebConfig;

public class YamlSubsetParserTests
{
    private static string? Value(YamlMapping mapping, params string[] path)
    {
        YamlNode node = mapping;
        foreach (string key in path) node = ((YamlMapping)node).Entries.Single(e => e.Key == key).Value;
        return ((YamlScalar)node).Value;
    }

    [Fact]
    public void Reads_nested_mappings_quotes_and_comments()
    {
        var root = YamlSubsetParser.Parse("""
            ---
            # exporter-toolkit style
            tls_server_config:
              cert_file: server.crt   # trailing comment
              key_file: "dir with # hash/server.key"
              client_auth_type: 'Require''s'
            basic_auth_users:
                alice: $2y$10$abc/def.ghi
                "bob:x": "esc\"aped\u0041"
            empty:
            nothing: ~
            """);
        Assert.Equal(["tls_server_config", "basic_auth_users", "empty", "nothing"], root.Entries.Select(e => e.Key));
        Assert.Equal("server.crt", Value(root, "tls_server_config", "cert_file"));
        Assert.Equal("dir with # hash/server.key", Value(root, "tls_server_config", "key_file"));
        Assert.Equal("Require's", Value(root, "tls_server_config", "client_auth_type"));
        Assert.Equal("$2y$10$abc/def.ghi", Value(root, "basic_auth_users", "alice"));
        Assert.Equal("esc\"apedA", Value(root, "basic_auth_users", "bob:x"));
        Assert.Null(Value(root, "empty"));
        Assert.Null(Value(root, "nothing"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n\n")]
    [InlineData("---\n")]
    public void An_empty_document_is_an_empty_mapping(string text) =>
        Assert.Empty(YamlSubsetParser.Parse(text).Entries);

    [Fact]
    public void Windows_line_ends_are_accepted() =>
        Assert.Equal("b", Value(YamlSubsetParser.Parse("a:\r\n  x: b\r\n"), "a", "x"));

    [Theory]
    [InlineData("a:\n\tb: c", "line 2: tabs")]
    [InlineData("a: 1\na: 2", "line 2: key \"a\" appears twice")]
    [InlineData("a:\n  - x\n", "line 2: sequences")]
    [InlineData("a: [x, y]", "line 1: flow collections")]
    [InlineData("a: {x: y}", "line 1: flow collections")]
    [InlineData("a: &anchor x", "anchors")]
    [InlineData("a: *anchor", "anchors")]
    [InlineData("a: !!binary x", "tags")]
    [InlineData("a: |\n  text", "block scalars")]
    [InlineData("a: b\n---\nc: d", "line 2: only one document")]
    [InlineData("a: 'open", "unterminated")]
    [InlineData("a: \"open", "unterminated")]
    [InlineData("a: \"bad \\q\"", "unsupported escape")]
    [InlineData("a: b: c", "\": \" unless quoted")]
    [InlineData("just text", "expected \"key: value\"")]
    [InlineData("a:\n    b: 1\n  c: 2", "line 3: unexpected indentation")]
    [InlineData("  a: 1\nb: 2", "line 2: unexpected indentation")]
    [InlineData("a: 1\n  b: 2", "line 2: unexpected indentation")]
    [InlineData("? complex\n: key", "complex keys")]
    [InlineData("%YAML 1.2\n---\na: b", "directives")]
    [InlineData("'a' b: c", "expected \":\" after the key")]
    public void Refuses_what_it_does_not_understand(string text, string error)
    {
        var e = Assert.Throws<FormatException>(() => YamlSubsetParser.Parse(text));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_deep_nesting_and_large_files()
    {
        string deep = string.Concat(Enumerable.Range(0, 10).Select(i => new string(' ', i * 2) + $"k{i}:\n")) + new string(' ', 20) + "v: x\n";
        Assert.Contains("nested deeper", Assert.Throws<FormatException>(() => YamlSubsetParser.Parse(deep)).Message, StringComparison.Ordinal);
        string large = string.Concat(Enumerable.Range(0, 5000).Select(i => $"key{i}: value{i}\n"));
        Assert.Contains("larger than", Assert.Throws<FormatException>(() => YamlSubsetParser.Parse(large)).Message, StringComparison.Ordinal);
    }
}

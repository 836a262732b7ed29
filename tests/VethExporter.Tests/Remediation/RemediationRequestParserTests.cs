using System.Text;
using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

public class RemediationRequestParserTests
{
    private static RequestParseResult Parse(string body) => RemediationRequestParser.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Accepts_named_interfaces_and_dry_run()
    {
        var request = Parse("""{"interfaces":["veth1a2b","cali0f"],"dryRun":true}""").Request!;
        Assert.Equal(["veth1a2b", "cali0f"], request.Interfaces);
        Assert.True(request.DryRun);
        Assert.False(request.All);
    }

    [Fact]
    public void Accepts_all_narrowed_by_bridge_and_reason()
    {
        var request = Parse("""{"all":true,"bridge":"docker0","reason":"pinned_no_process","dryRun":false}""").Request!;
        Assert.True(request.All);
        Assert.Equal("docker0", request.Bridge);
        Assert.Equal("pinned_no_process", request.Reason);
        Assert.False(request.DryRun);
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("{\"interfaces\":[\"veth1\"", "malformed JSON")]
    [InlineData("[\"veth1\"]", "must be a JSON object")]
    [InlineData("{\"interfaces\":\"veth1\"}", "must be an array")]
    [InlineData("{\"interfaces\":[1]}", "only strings")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"dryRun\":\"yes\"}", "\"dryRun\" must be true or false")]
    [InlineData("{\"all\":1}", "\"all\" must be true or false")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"force\":true}", "unknown field \"force\"")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"all\":true}", "not both")]
    [InlineData("{}", "nothing to do")]
    [InlineData("{\"interfaces\":[]}", "nothing to do")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"bridge\":\"br0\"}", "narrow \"all\"")]
    [InlineData("{\"all\":true,\"reason\":\"process\"}", "\"reason\" must be one of")]
    [InlineData("{\"interfaces\":[\"veth1;rm -rf /\"]}", "is not a valid interface name")]
    [InlineData("{\"interfaces\":[\"../../etc/passwd\"]}", "is not a valid interface name")]
    [InlineData("{\"interfaces\":[\"a_name_longer_than_15\"]}", "is not a valid interface name")]
    [InlineData("{\"interfaces\":[\"..\"]}", "is not a valid interface name")]
    [InlineData("{\"interfaces\":[\"veth 1\"]}", "is not a valid interface name")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", "malformed JSON")]
    [InlineData("{\"interfaces\":[\"veth1\"]}", "\"dryRun\" is required")]
    [InlineData("{\"all\":true}", "\"dryRun\" is required")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"dryRun\":true,\"dryRun\":false}", "\"dryRun\" is given more than once")]
    [InlineData("{\"interfaces\":[\"veth1\"],\"dryRun\":false,\"dryRun\":true}", "\"dryRun\" is given more than once")]
    [InlineData("{\"all\":false,\"all\":true,\"dryRun\":true}", "\"all\" is given more than once")]
    public void Rejects_malformed_and_hostile_bodies(string body, string expected)
    {
        var result = Parse(body);
        Assert.Null(result.Request);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void Rejects_huge_arrays_without_listing_them()
    {
        string body = "{\"interfaces\":[" + string.Join(',', Enumerable.Repeat("\"veth1\"", RemediationRequestParser.MaxInterfaces + 1)) + "]}";
        Assert.Contains("at most 1024", Parse(body).Error);
    }

    [Fact]
    public void Echoed_input_is_sanitised()
    {
        var error = Parse("{\"interfaces\":[\"x\\u0000\\\"<script>\\n/\"]}").Error!;
        Assert.DoesNotContain("\0", error);
        Assert.DoesNotContain("\n", error);
    }
}

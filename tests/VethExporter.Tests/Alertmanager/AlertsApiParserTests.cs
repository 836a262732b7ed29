using System.Text;
using VethExporter.Alertmanager;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Alertmanager;

public class AlertsApiParserTests
{
    [Fact]
    public void A_real_answer_keeps_the_active_alerts_and_drops_the_silenced_one()
    {
        var result = AlertsApiParser.Parse(Fixture.Bytes("alertmanager/alerts-v2.json"));

        Assert.Null(result.Error);
        Assert.Equal(1, result.Muted);
        Assert.Equal(2, result.Active.Count);
        Assert.All(result.Active, a => Assert.Equal("10.0.3.17:9814", a.Instance));
        var orphans = Assert.Single(result.Active, a => a.AlertName == "VethOrphansAccumulating");
        Assert.Equal("ea01a0e3441498de", orphans.Fingerprint);
        Assert.Equal("cni0", orphans.Bridge);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 19, 21, 21, 311, TimeSpan.Zero), orphans.StartsAt);
    }

    [Theory]
    [InlineData("""{"inhibitedBy":[],"silencedBy":["s1"],"state":"suppressed"}""")]
    [InlineData("""{"inhibitedBy":["i1"],"silencedBy":[],"state":"active"}""")]
    [InlineData("""{"inhibitedBy":[],"silencedBy":[],"state":"unprocessed"}""")]
    [InlineData("""{"state":"active"}""")]
    [InlineData("""{"inhibitedBy":[],"silencedBy":null,"state":"active"}""")]
    public void Anything_but_active_and_unmuted_is_not_acted_on_whatever_the_server_was_asked(string status)
    {
        var result = AlertsApiParser.Parse(Encoding.UTF8.GetBytes(Alert(status)));
        Assert.Null(result.Error);
        Assert.Empty(result.Active);
        Assert.Equal(1, result.Muted);
    }

    [Theory]
    [InlineData("", "malformed JSON")]
    [InlineData("<html>502 Bad Gateway</html>", "malformed JSON")]
    [InlineData("""{"alerts":[]}""", "array")]
    [InlineData("""[1]""", "object")]
    [InlineData("""[{"labels":{"alertname":"X"},"fingerprint":"f","startsAt":"2026-01-01T00:00:00Z"}]""", "status")]
    [InlineData("""[{"status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"labels":{"a":1},"fingerprint":"f","startsAt":"2026-01-01T00:00:00Z"}]""", "strings")]
    [InlineData("""[{"status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"labels":{},"startsAt":"2026-01-01T00:00:00Z"}]""", "fingerprint")]
    [InlineData("""[{"status":{"state":"active","silencedBy":[],"inhibitedBy":[]},"labels":{},"fingerprint":"f","startsAt":"yesterday"}]""", "startsAt")]
    [InlineData("""[[[[[[[[[[[]]]]]]]]]]]""", "malformed JSON")]
    public void Junk_rejects_the_whole_answer(string body, string error)
    {
        var result = AlertsApiParser.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Contains(error, result.Error);
        Assert.Empty(result.Active);
    }

    private static string Alert(string status) => $$$"""
        [{"annotations":{},"endsAt":"2026-12-02T19:26:21.311Z","fingerprint":"ea01a0e3441498de","receivers":[{"name":"none"}],
          "startsAt":"2026-12-02T19:21:21.311Z","status":{{{status}}},"updatedAt":"2026-12-02T19:21:21.311Z",
          "labels":{"alertname":"VethOrphansAccumulating","bridge":"cni0","instance":"10.0.3.17:9814"}}]
        """;
}

using System.Text;
using VethExporter.Alertmanager;

namespace VethExporter.Tests.Alertmanager;

public class WebhookPayloadParserTests
{
    private const string Payload = """
        {
          "version": "4", "groupKey": "{}:{alertname=\"VethOrphansAccumulating\"}", "truncatedAlerts": 2,
          "status": "firing", "receiver": "veth", "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://am",
          "alerts": [
            { "status": "firing", "labels": { "alertname": "VethOrphansAccumulating", "instance": "10.0.0.5:9814", "bridge": "docker0" },
              "annotations": {}, "startsAt": "2026-11-27T10:00:00.123Z", "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "a1b2" },
            { "status": "resolved", "labels": { "alertname": "VethOrphansAccumulating", "bridge": "cni0" },
              "annotations": {}, "startsAt": "2026-11-27T09:00:00Z", "endsAt": "2026-11-27T09:30:00Z", "generatorURL": "", "fingerprint": "c3d4" }
          ]
        }
        """;

    [Fact]
    public void Keeps_firing_alerts_with_their_scope()
    {
        var result = WebhookPayloadParser.Parse(Encoding.UTF8.GetBytes(Payload));
        Assert.Null(result.Error);
        var alert = Assert.Single(result.Firing);
        Assert.Equal(("a1b2", "docker0", "10.0.0.5:9814", "VethOrphansAccumulating"), (alert.Fingerprint, alert.Bridge, alert.Instance, alert.AlertName));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, 123, TimeSpan.Zero), alert.StartsAt);
        Assert.True(alert.HasScope);
        Assert.Equal(1, result.Resolved);
        Assert.Equal(2, result.Truncated);
    }

    [Fact]
    public void The_same_alert_resent_has_the_same_key()
    {
        var first = WebhookPayloadParser.Parse(Encoding.UTF8.GetBytes(Payload)).Firing[0];
        var again = WebhookPayloadParser.Parse(Encoding.UTF8.GetBytes(Payload.Replace("\"truncatedAlerts\": 2", "\"truncatedAlerts\": 0", StringComparison.Ordinal))).Firing[0];
        Assert.Equal(first.IdempotencyKey, again.IdempotencyKey);
    }

    [Theory]
    [InlineData("{", "malformed JSON")]
    [InlineData("{\"version\":\"3\",\"alerts\":[]}", "\"version\" must be \"4\"")]
    [InlineData("{\"version\":\"4\"}", "\"alerts\" must be an array")]
    [InlineData("{\"version\":\"4\",\"alerts\":[1]}", "must be an object")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"bridge\":1},\"fingerprint\":\"f\",\"startsAt\":\"2026-01-01T00:00:00Z\"}]}", "label values must be strings")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"2026-01-01T00:00:00Z\"}]}", "\"fingerprint\" is missing")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"fingerprint\":\"f\",\"startsAt\":\"soon\"}]}", "not a timestamp")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"pending\"}]}", "must be \"firing\" or \"resolved\"")]
    public void Rejects_payloads_of_the_wrong_shape(string body, string expected)
    {
        Assert.Contains(expected, WebhookPayloadParser.Parse(Encoding.UTF8.GetBytes(body)).Error);
    }

    [Theory]
    [InlineData("""{"version":"4","version":"4","alerts":[]}""")]
    [InlineData("""{"version":"4","alerts":[{"status":"firing","labels":{"instance":"10.0.0.5:9814","instance":"127.0.0.1:9814"},"fingerprint":"f","startsAt":"2026-01-01T00:00:00Z"}]}""")]
    public void A_repeated_key_rejects_the_payload_whole(string body)
    {
        var result = WebhookPayloadParser.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Contains("more than once", result.Error);
        Assert.Empty(result.Firing);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("localhost:9814", true)]
    [InlineData("127.0.0.1:9814", true)]
    [InlineData("[::1]:9814", true)]
    [InlineData("127.0.0.1:9100", false)]
    [InlineData("10.99.99.99:9814", false)]
    [InlineData("node7", false)]
    [InlineData("node-a.prod", true)]
    [InlineData("node-a.prod:9814", false)]
    public void Acts_only_on_alerts_for_this_instance(string? instance, bool ours)
    {
        var matcher = new InstanceMatcher(new HashSet<string> { "localhost", "127.0.0.1", "::1", "node1" }, new HashSet<int> { 9814 },
            new HashSet<string> { "node-a.prod" });
        Assert.Equal(ours, matcher.Matches(instance));
    }
}

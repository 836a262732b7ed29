using VethExporter.Alertmanager;
using VethExporter.Cli;

namespace VethExporter.Tests.Alertmanager;

public class AlertmanagerClientTests
{
    [Theory]
    [InlineData("http://alertmanager:9093", "http://alertmanager:9093/api/v2/alerts?")]
    [InlineData("https://monitoring.example/alertmanager", "https://monitoring.example/alertmanager/api/v2/alerts?")]
    [InlineData("https://monitoring.example/alertmanager/", "https://monitoring.example/alertmanager/api/v2/alerts?")]
    public void Polls_the_v2_alerts_below_the_configured_prefix(string url, string wanted)
    {
        using var client = new AlertmanagerClient(new AlertmanagerPullOptions(new Uri(url), null, null, null, null, TimeSpan.FromSeconds(30), false),
            ["VethOrphansAccumulating"]);
        Assert.StartsWith(wanted, client.AlertsUrl.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Asks_only_for_active_unmuted_alerts_of_the_allowed_names()
    {
        string query = Uri.UnescapeDataString(AlertmanagerClient.Query(["VethOrphansAccumulating", "Veth.Custom"]));
        Assert.Equal("active=true&silenced=false&inhibited=false&unprocessed=false&filter=alertname=~\"Veth\\\\.Custom|VethOrphansAccumulating\"", query);
    }
}

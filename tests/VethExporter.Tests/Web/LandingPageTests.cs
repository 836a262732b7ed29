using VethExporter.Snapshot;
using VethExporter.Tests.Metrics;
using VethExporter.Web;

namespace VethExporter.Tests.Web;

public class LandingPageTests
{
    [Fact]
    public void Lists_orphans_with_their_blockers_and_escapes_names()
    {
        var document = SnapshotMapper.ToDocument(MetricsFixture.Scan());
        string html = LandingPage.Render("1.2.3", "/metrics", document, remediationEnabled: false);
        Assert.Contains("Version 1.2.3", html);
        Assert.Contains("<a href=\"/metrics\">Metrics</a>", html);
        Assert.Contains("<td>vethleak</td><td>docker0</td><td>pinned_no_process</td>", html);
        Assert.Contains("no: bridge_port", html);
        Assert.Contains("<td>cali42</td><td>—</td><td>pinned_no_process</td>", html);
        Assert.DoesNotContain("vethlive", html); // in use: not an orphan
        Assert.DoesNotContain("http", html);      // no external assets

        var hostile = document with { Interfaces = [document.Interfaces[0] with { Name = "<script>", State = "orphan" }] };
        Assert.Contains("&lt;script&gt;", LandingPage.Render("1", "/metrics", hostile, false));
    }

    [Fact]
    public void Says_so_before_the_first_scan()
    {
        Assert.Contains("No scan has completed yet.", LandingPage.Render("1", "/metrics", null, false));
    }
}

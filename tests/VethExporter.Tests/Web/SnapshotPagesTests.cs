using System.Text;
using System.Text.Json;
using VethExporter.Scanning;
using VethExporter.Service;
using VethExporter.Snapshot;
using VethExporter.Tests.Metrics;
using VethExporter.Tracking;
using VethExporter.Web;

namespace VethExporter.Tests.Web;

public class SnapshotPagesTests
{
    [Fact]
    public void Documents_are_rendered_once_per_publish_and_served_from_then_on()
    {
        var pages = new SnapshotPages("1.2.3", "/metrics", remediationEnabled: true);
        int renders = 0;
        var store = new SnapshotStore(published =>
        {
            renders++;
            return pages.Render(published is null ? null : SnapshotMapper.ToDocument(published.Scan, published.Tracked.History, published.Tracked.AttachmentHistory));
        });
        Assert.Null(store.Rendered.OrphansJson);
        Assert.Contains("No scan has completed yet.", Encoding.UTF8.GetString(store.Rendered.LandingPage), StringComparison.Ordinal);

        ScanResult scan = MetricsFixture.Scan();
        var tracked = new Tracker(new TrackerOptions(), TimeProvider.System).Observe(scan);
        var document = SnapshotMapper.ToDocument(tracked.Scan, tracked.History, tracked.AttachmentHistory);
        store.Publish(new PublishedScan(tracked));
        var first = store.Rendered;
        for (int i = 0; i < 10; i++) Assert.Same(first, store.Rendered);
        Assert.Equal(2, renders);

        Assert.Equal(JsonSerializer.Serialize(document, SnapshotJsonContext.Default.SnapshotDocument), Encoding.UTF8.GetString(first.OrphansJson!));
        Assert.Equal(LandingPage.Render("1.2.3", "/metrics", document, true), Encoding.UTF8.GetString(first.LandingPage));
    }
}

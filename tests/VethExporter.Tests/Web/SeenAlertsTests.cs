using Microsoft.Extensions.Time.Testing;
using VethExporter.Web;

namespace VethExporter.Tests.Web;

public class SeenAlertsTests
{
    [Fact]
    public void A_repeated_alert_is_acted_on_once_and_forgotten_after_a_day()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var seen = new SeenAlerts(clock);
        Assert.True(seen.TryAdd("fp1@1"));
        Assert.False(seen.TryAdd("fp1@1"));
        Assert.True(seen.TryAdd("fp1@2"));   // the same alert firing again later is a new episode
        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(seen.TryAdd("fp1@1"));
    }
}

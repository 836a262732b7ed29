using VethExporter.Web;

namespace VethExporter.Tests.Web;

public class SeenAlertsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_repeated_alert_is_acted_on_once_and_forgotten_after_a_day()
    {
        var clock = new ManualClock();
        var seen = new SeenAlerts(clock);
        Assert.True(seen.TryAdd("fp1@1"));
        Assert.False(seen.TryAdd("fp1@1"));
        Assert.True(seen.TryAdd("fp1@2"));   // the same alert firing again later is a new episode
        clock.Now += TimeSpan.FromDays(2);
        Assert.True(seen.TryAdd("fp1@1"));
    }
}

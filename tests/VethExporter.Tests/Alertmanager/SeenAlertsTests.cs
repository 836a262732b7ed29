using Microsoft.Extensions.Time.Testing;
using VethExporter.Alertmanager;

namespace VethExporter.Tests.Alertmanager;

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

    [Fact]
    public void A_forgotten_key_is_new_again_and_its_old_entry_never_evicts_the_new_one()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var seen = new SeenAlerts(clock);
        Assert.True(seen.TryAdd("fp1@1"));
        seen.Forget("fp1@1");
        clock.Advance(TimeSpan.FromHours(20));
        Assert.True(seen.TryAdd("fp1@1"));
        // A day after the first entry, that entry expires; the key taken again at hour 20 is still remembered.
        clock.Advance(TimeSpan.FromHours(5));
        Assert.False(seen.TryAdd("fp1@1"));
    }
}

using Microsoft.Extensions.Time.Testing;
using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

public class AuthThrottleTests
{
    [Fact]
    public void Backs_off_after_repeated_failures_and_recovers_after_the_window()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var throttle = new AuthThrottle(clock);
        var delays = Enumerable.Range(0, 8).Select(_ => throttle.RecordFailure()).ToList();
        Assert.All(delays.Take(5), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(TimeSpan.FromMilliseconds(250), delays[5]);
        Assert.Equal(TimeSpan.FromMilliseconds(750), delays[7]);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure());
    }
}

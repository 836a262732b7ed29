using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

public class AuthThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Backs_off_after_repeated_failures_and_recovers_after_the_window()
    {
        var clock = new ManualClock();
        var throttle = new AuthThrottle(clock);
        var delays = Enumerable.Range(0, 8).Select(_ => throttle.RecordFailure()).ToList();
        Assert.All(delays.Take(5), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(TimeSpan.FromMilliseconds(250), delays[5]);
        Assert.Equal(TimeSpan.FromMilliseconds(750), delays[7]);

        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure());
    }
}

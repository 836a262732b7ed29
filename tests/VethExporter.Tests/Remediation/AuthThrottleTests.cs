using Microsoft.Extensions.Time.Testing;
using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

public class AuthThrottleTests
{
    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Backs_off_after_repeated_failures_and_recovers_after_the_window()
    {
        var clock = Clock();
        var throttle = new AuthThrottle(clock);
        var delays = Enumerable.Range(0, 8).Select(_ => throttle.RecordFailure("192.0.2.1")).ToList();
        Assert.All(delays.Take(5), d => Assert.Equal(TimeSpan.Zero, d));
        Assert.Equal(TimeSpan.FromMilliseconds(250), delays[5]);
        Assert.Equal(TimeSpan.FromMilliseconds(750), delays[7]);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TimeSpan.Zero, throttle.RecordFailure("192.0.2.1"));
    }

    [Fact]
    public void A_correct_token_does_not_skip_the_back_off_and_other_clients_are_not_slowed()
    {
        var throttle = new AuthThrottle(Clock());
        for (int i = 0; i < 8; i++) throttle.RecordFailure("192.0.2.1");
        Assert.True(throttle.DelayFor("192.0.2.1") >= TimeSpan.FromMilliseconds(750));
        Assert.Equal(TimeSpan.Zero, throttle.DelayFor("192.0.2.2"));
    }

    [Fact]
    public void Memory_is_bounded_and_a_flood_from_many_addresses_still_backs_off()
    {
        var throttle = new AuthThrottle(Clock());
        for (int i = 0; i < AuthThrottle.MaxClients + 1000; i++) throttle.RecordFailure($"client-{i}");
        Assert.True(throttle.TrackedClients <= AuthThrottle.MaxClients + 1);
        // The 1000 clients past the bound share one bucket: they are slowed together.
        Assert.True(throttle.RecordFailure("yet-another") > TimeSpan.Zero);
    }
}

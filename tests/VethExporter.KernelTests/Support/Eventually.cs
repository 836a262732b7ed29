namespace VethExporter.KernelTests.Support;

/// <summary>Waits for the kernel to catch up (netns teardown and zombie creation are asynchronous).</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }

    /// <summary>Waits for an asynchronous condition; fails with the diagnostics when it never holds.</summary>
    public static async Task AssertAsync(string what, Func<Task<bool>> condition, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {timeout.TotalSeconds:F0}s waiting for {what}{diagnostics()}");
            await Task.Delay(250);
        }
    }
}

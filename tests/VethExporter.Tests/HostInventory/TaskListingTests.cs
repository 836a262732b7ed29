using VethExporter.HostInventory;

namespace VethExporter.Tests.HostInventory;

public class TaskListingTests
{
    [Theory]
    [InlineData("0.00 0.01 0.05 2/345 6789\n", 345L)]
    [InlineData("1.50 1.20 0.90 12/10001 77", 10001L)]
    [InlineData("0.00 0.01 0.05 2/ 6789\n", -1L)]
    [InlineData("0.00 0.01 0.05 2/34x5 6789\n", -1L)]
    [InlineData("garbage", -1L)]
    [InlineData("", -1L)]
    public void Loadavg_gives_the_kernels_thread_count(string text, long expected) =>
        Assert.Equal(expected, ThreadCount.Parse(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_listing_within_churn_of_the_kernels_count_misses_nothing()
    {
        Assert.Equal(0, new TaskListing(Listed: 300, KernelBefore: 340, KernelAfter: 350).Missing);
        Assert.Equal(0, new TaskListing(Listed: 9_600, KernelBefore: 10_000, KernelAfter: 10_050).Missing);
    }

    [Fact]
    public void A_listing_far_short_of_the_kernels_count_is_a_blind_spot()
    {
        // hidepid=invisible for a user without CAP_SYS_PTRACE: only its own few tasks are listed.
        Assert.Equal(333, new TaskListing(Listed: 12, KernelBefore: 345, KernelAfter: 350).Missing);
    }

    [Fact]
    public void An_unreadable_count_is_no_evidence_either_way() =>
        Assert.Equal(0, new TaskListing(Listed: 1, KernelBefore: -1, KernelAfter: 345).Missing);
}

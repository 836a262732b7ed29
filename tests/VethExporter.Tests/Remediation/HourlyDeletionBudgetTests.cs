using Microsoft.Extensions.Time.Testing;
using VethExporter.Remediation;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Remediation;

public class HourlyDeletionBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Deletions_count_for_one_trailing_hour()
    {
        var clock = new FakeTimeProvider(Start);
        var budget = new HourlyDeletionBudget(3, path: null, clock);
        Assert.Equal(3, budget.Remaining());
        budget.Spend();
        clock.Advance(TimeSpan.FromMinutes(30));
        budget.Spend();
        budget.Spend();
        Assert.Equal(0, budget.Remaining());
        clock.Advance(TimeSpan.FromMinutes(30));   // the first deletion is now an hour old
        Assert.Equal(1, budget.Remaining());
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(3, budget.Remaining());
    }

    [Fact]
    public void A_restart_does_not_refill_the_budget()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "remediation-budget.json");
        var clock = new FakeTimeProvider(Start);
        var before = new HourlyDeletionBudget(2, path, clock);
        Assert.StartsWith("no deletions recorded yet", before.Load());
        Assert.Null(before.Spend());
        Assert.Null(before.Spend());

        clock.Advance(TimeSpan.FromMinutes(10));
        var after = new HourlyDeletionBudget(2, path, clock);
        Assert.Contains("2 of 2", after.Load());
        Assert.Equal(0, after.Remaining());
        clock.Advance(TimeSpan.FromMinutes(51));
        Assert.Equal(2, after.Remaining());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version":2,"deletions":[]}""")]
    [InlineData("""{"version":1}""")]
    [InlineData("""{"version":1,"deletions":["tuesday"]}""")]
    public void A_file_that_cannot_be_understood_counts_as_a_spent_budget(string content)
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "remediation-budget.json");
        File.WriteAllText(path, content);
        var clock = new FakeTimeProvider(Start);
        var budget = new HourlyDeletionBudget(5, path, clock);
        Assert.Contains("counting the hourly budget as spent", budget.Load());
        Assert.Equal(0, budget.Remaining());
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(5, budget.Remaining());
    }

    [Fact]
    public void An_unwritable_budget_says_so_and_still_holds_in_memory()
    {
        using var directory = new TempDirectory();
        string blocker = Path.Combine(directory.Path, "file");
        File.WriteAllText(blocker, "");
        var budget = new HourlyDeletionBudget(1, Path.Combine(blocker, "remediation-budget.json"), new FakeTimeProvider(Start));
        Assert.NotNull(budget.Spend());
        Assert.Equal(0, budget.Remaining());
    }
}

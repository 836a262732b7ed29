namespace VethExporter.Tests.EndToEnd;

public class GoldenFileTests
{
    [Fact]
    public void The_diff_shows_the_changed_line_both_ways_with_context_and_golden_line_numbers()
    {
        string[] golden = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        string[] actual = ["a", "b", "c", "d", "E", "f", "g", "h", "i", "j", "k", "l", "m"];

        string diff = GoldenFile.Diff(golden, actual);

        Assert.Equal(
            "     3 | c\n     4 | d\n-    5 | e\n+    5 | E\n     6 | f\n     7 | g\n  ...\n    11 | k\n    12 | l\n+   12 | m\n",
            diff);
    }

    [Fact]
    public void Equal_texts_have_an_empty_diff() => Assert.Empty(GoldenFile.Diff(["x", "y"], ["x", "y"]));
}

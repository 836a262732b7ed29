using VethExporter.Firewall;

namespace VethExporter.Tests.Firewall;

public class CappedReaderTests
{
    private static MemoryStream Bytes(int count) => new(Enumerable.Repeat((byte)'x', count).ToArray());

    [Theory]
    [InlineData(0, 10, false)]
    [InlineData(10, 10, false)]
    [InlineData(11, 10, true)]
    [InlineData(200_000, 100_000, true)]
    public async Task Keeps_at_most_the_cap(int size, long cap, bool over)
    {
        var read = await CappedReader.ReadAsync(Bytes(size), cap, drain: false, CancellationToken.None);

        Assert.Equal(over, read.OverCap);
        Assert.Equal(Math.Min(size, cap), read.Data.Length);
    }

    [Fact]
    public async Task Draining_reads_past_the_cap_and_keeps_only_the_cap()
    {
        var stream = Bytes(300_000);
        var read = await CappedReader.ReadAsync(stream, 1000, drain: true, CancellationToken.None);

        Assert.True(read.OverCap);
        Assert.Equal(1000, read.Data.Length);
        Assert.Equal(stream.Length, stream.Position);
    }
}

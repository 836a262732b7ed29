using VethExporter.Interop;

namespace VethExporter.Tests.Interop;

public class PosixFileTests
{
    [Theory]
    [InlineData("/proc/self/ns/net")]
    [InlineData("/")]
    public void Stat_without_sync_names_the_same_device_and_inode_as_stat(string path)
    {
        Assert.Equal(0, PosixFile.Stat(path, out ulong device, out ulong inode));
        Assert.Equal(0, PosixFile.StatWithoutSync(path, out ulong quickDevice, out ulong quickInode));
        Assert.Equal((device, inode), (quickDevice, quickInode));
    }

    [Fact]
    public void Stat_without_sync_follows_an_fd_link_to_its_file()
    {
        string file = Path.GetTempFileName();
        try
        {
            using var stream = File.OpenRead(file);
            string link = $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}";
            Assert.Equal(0, PosixFile.Stat(file, out ulong device, out ulong inode));
            Assert.Equal(0, PosixFile.StatWithoutSync(link, out ulong quickDevice, out ulong quickInode));
            Assert.Equal((device, inode), (quickDevice, quickInode));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Stat_without_sync_reports_a_missing_file() =>
        Assert.Equal(Errno.ENOENT, PosixFile.StatWithoutSync("/nonexistent/veth-exporter-test", out _, out _));
}

using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

/// <summary>A plugin runs as root in the host namespace: only a plain name, in the configured directories, a root-owned file nobody else can write.</summary>
public sealed class CniPluginLocatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vxt-cnibin-").FullName;

    public CniPluginLocatorTests() => File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Plugin(string name, UnixFileMode mode)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    [Theory]
    [InlineData("../bridge")]
    [InlineData("sub/bridge")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("bridge;rm")]
    public void A_type_that_is_not_a_plain_name_is_refused(string type)
    {
        Assert.Null(CniPluginLocator.Find(type, [_dir], out string? refusal));
        Assert.Contains("not a plain file name", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_in_none_of_the_directories_is_named_as_missing()
    {
        Assert.Null(CniPluginLocator.Find("bridge", [_dir, "/nonexistent"], out string? refusal));
        Assert.Equal($"plugin bridge is in none of {_dir}:/nonexistent", refusal);
    }

    [Fact]
    public void A_group_writable_plugin_is_refused()
    {
        Plugin("bridge", Executable | UnixFileMode.GroupWrite);

        Assert.Null(CniPluginLocator.Find("bridge", [_dir], out string? refusal));
        Assert.Contains(Environment.IsPrivilegedProcess ? "writable by group or others" : "not root", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_is_refused_even_to_a_trusted_plugin()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "bridge"), "/bin/sh");

        Assert.Null(CniPluginLocator.Find("bridge", [_dir], out string? refusal));
        Assert.Contains("is a symlink", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_owned_plugin_nobody_else_can_write_is_found_and_later_directories_are_not_needed()
    {
        string path = Plugin("bridge", Executable);

        var found = CniPluginLocator.Find("bridge", [_dir, "/nonexistent"], out string? refusal);

        // Files a test makes are root's only when the suite runs as root (as CI does).
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Equal(path, found);
            Assert.Null(refusal);
        }
        else
        {
            Assert.Null(found);
            Assert.Contains("not root", refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_relative_directory_is_never_searched()
    {
        Assert.Null(CniPluginLocator.Find("sh", ["bin"], out string? refusal));
        Assert.Contains("not an absolute path", refusal, StringComparison.Ordinal);
    }
}

using System.Diagnostics;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// What any user allowed to create user namespaces can do: as uid 65534, in a user and mount namespace
/// of its own, mount a tmpfs and play with namespace pins on it. The shell lines run there; the process
/// then sleeps, keeping that mount namespace (and so its mountinfo) alive until dispose kills it.
/// </summary>
public sealed class UnprivilegedMounts : IDisposable
{
    private readonly Process _process;

    private UnprivilegedMounts(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    /// <summary>The tmpfs the unprivileged user mounted, under /tmp.</summary>
    public string Directory { get; }

    public int Pid => _process.Id;

    /// <param name="script">Shell lines run inside; <c>$D</c> is the tmpfs directory.</param>
    public static async Task<UnprivilegedMounts> StartAsync(string script)
    {
        Skip.If(Tools.Find("setpriv") is null || Tools.Find("unshare") is null, "needs util-linux (setpriv, unshare)");
        string directory = $"/tmp/vxt-user-{Guid.NewGuid().ToString("N")[..8]}";
        System.IO.Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0x1ff); // 0777: the unprivileged user mounts over it
        var start = new ProcessStartInfo(Tools.Find("setpriv")!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--reuid", "65534", "--regid", "65534", "--clear-groups",
                     "unshare", "--user", "--map-root-user", "--mount", "sh", "-euc",
                     $"D={directory}; mount -t tmpfs tmpfs \"$D\"; {script}; echo ready; exec sleep 3600"])
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start setpriv");
        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || await ready != "ready")
        {
            string error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "no answer in 20 s";
            process.Kill(entireProcessTree: true);
            process.Dispose();
            Skip.If(error.Contains("Operation not permitted", StringComparison.Ordinal) || error.Contains("Permission denied", StringComparison.Ordinal),
                $"unprivileged user namespaces are not allowed here: {error.Trim()}");
            throw new InvalidOperationException($"the unprivileged set-up failed: {error.Trim()}");
        }
        return new UnprivilegedMounts(process, directory);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        // The tmpfs went with the mount namespace; only the empty directory is left.
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

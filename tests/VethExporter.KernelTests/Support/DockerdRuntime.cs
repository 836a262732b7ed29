namespace VethExporter.KernelTests.Support;

/// <summary>
/// dockerd 20.10 inside a fake host's network namespace and a private mount namespace of its own (so that
/// /sys/fs/cgroup is visible under a sysfs of that network namespace), with data, exec root, socket, cgroup parent
/// and containerd namespaces of its own; images are imported from busybox-static (no image registry). Its netns
/// pins (<c>&lt;exec-root&gt;/netns/&lt;id&gt;</c>) exist only in its mount namespace: seen from here they are plain
/// files. Dispose kills dockerd, its containerd and the shims under its exec root, and removes the cgroups, the
/// directories dockerd made under /run/docker, and the temp dir.
/// </summary>
public sealed class DockerdRuntime : IDisposable
{
    private readonly FakeHost _host;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private readonly DirectoryInfo _root;
    private readonly bool _runDockerExisted = Directory.Exists("/run/docker");

    public DockerdRuntime(FakeHost host)
    {
        Skip.If(Tools.Find("dockerd") is null || !File.Exists("/usr/bin/docker"), "needs dockerd and docker (Debian package docker.io)");
        Skip.If(Tools.Find("unshare") is null, "needs unshare (Debian package util-linux)");
        Skip.IfNot(File.Exists("/bin/busybox"), "needs busybox (Debian package busybox-static) for an image");
        _host = host;
        _root = Directory.CreateTempSubdirectory("vxt-dockerd-");
        try
        {
            File.WriteAllText(Path.Combine(Root, "start.sh"), $"""
                set -e
                mount --make-rprivate /
                mkdir -p {Root}/cg
                mount --rbind /sys/fs/cgroup {Root}/cg
                mount -t sysfs sysfs /sys
                mount --move {Root}/cg /sys/fs/cgroup
                exec dockerd --data-root {Root}/data --exec-root {Root}/exec --pidfile {Root}/dockerd.pid -H unix://{Socket} \
                  --userland-proxy=false --default-ulimit nofile=1024:1024 --default-ulimit nproc=4096:4096 \
                  --cgroup-parent /vxt-{_tag} --exec-opt native.cgroupdriver=cgroupfs \
                  --containerd-namespace vxt{_tag} --containerd-plugins-namespace vxt{_tag}p
                """);
            Launcher = Launch();
            string image = Path.Combine(Root, "image");
            Directory.CreateDirectory(Path.Combine(image, "bin"));
            File.Copy("/bin/busybox", Path.Combine(image, "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(image, "bin", "sleep"), "busybox");
            Tools.Run("tar", "-C", image, "-cf", Path.Combine(Root, "image.tar"), ".");
            Docker("import", Path.Combine(Root, "image.tar"), "vxt/busybox:1");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Root => _root.FullName;

    public string Socket => Path.Combine(Root, "docker.sock");

    public System.Diagnostics.Process Launcher { get; private set; }

    /// <summary>
    /// Starts dockerd again on the same data and exec roots, in a new mount namespace of its own, after it died: what
    /// a node does when dockerd crashed. The old mount namespace (and any pin in it) lives on while a shim holds it.
    /// </summary>
    public void Restart()
    {
        if (!Launcher.HasExited) throw new InvalidOperationException("dockerd is still running");
        // Its containerd went with it on a real node (one crash, one restart); the shims, and their pins, stay.
        foreach (int pid in Processes(cmdline => cmdline.StartsWith("containerd ", StringComparison.Ordinal)))
            Tools.TryRun("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Thread.Sleep(200);
        File.Delete(Path.Combine(Root, "exec", "containerd", "containerd.pid"));
        File.Delete(Path.Combine(Root, "dockerd.pid"));
        File.Delete(Socket);
        Launcher = Launch();
    }

    private System.Diagnostics.Process Launch()
    {
        var launcher = _host.Start("nsenter", $"--net={_host.NetnsPath}", "unshare", "-m", "bash", Path.Combine(Root, "start.sh"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(Socket) || !File.Exists(Path.Combine(Root, "dockerd.pid")))
        {
            if (launcher.HasExited) throw new InvalidOperationException($"dockerd exited {launcher.ExitCode}: {launcher.StandardError.ReadToEnd()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("dockerd made no socket in 30 s");
            Thread.Sleep(50);
        }
        return launcher;
    }

    /// <summary>dockerd's pid (unshare execs bash, bash execs dockerd: the launcher's pid, as its pidfile says).</summary>
    public int DockerdPid => int.Parse(File.ReadAllText(Path.Combine(Root, "dockerd.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public string Docker(params string[] arguments) => Tools.Run("/usr/bin/docker", ["-H", "unix://" + Socket, .. arguments]).Trim();

    /// <summary>Runs a sleeping container on the default bridge; its full id.</summary>
    public string Run(string name) => Docker("run", "-d", "--name", $"{name}-{_tag}", "vxt/busybox:1", "/bin/sleep", "100000");

    public void Dispose()
    {
        // dockerd's containerd and the shims: ours when their command line names our exec root or socket.
        foreach (int pid in Processes(cmdline => !cmdline.StartsWith("dockerd", StringComparison.Ordinal)))
            Tools.TryRun("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Launcher is { HasExited: false })
        {
            Launcher.Kill(entireProcessTree: true);
            Launcher.WaitForExit(5000);
        }
        Thread.Sleep(200); // the mount namespace goes with its last process
        foreach (string dir in Directory.EnumerateDirectories("/sys/fs/cgroup", $"vxt-{_tag}", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
            .OrderByDescending(d => d.Length).ToList())
        {
            foreach (string child in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length)) TryDelete(() => Directory.Delete(child));
            TryDelete(() => Directory.Delete(dir));
        }
        if (!_runDockerExisted)
        {
            TryDelete(() => Directory.Delete("/run/docker/plugins"));
            TryDelete(() => Directory.Delete("/run/docker"));
        }
        TryDelete(() => _root.Delete(recursive: true));
    }

    /// <summary>The processes whose command line names our root and matches <paramref name="which"/>.</summary>
    private List<int> Processes(Func<string, bool> which)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(Root + "/", StringComparison.Ordinal) && which(cmdline)) found.Add(int.Parse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

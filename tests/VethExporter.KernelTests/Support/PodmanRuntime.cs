using System.Diagnostics;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// Rootful podman 4 inside a fake host's network namespace, with its Docker-compatible API service on a socket
/// under a temp dir: runc, cgroupfs under a parent of its own, vfs storage, the CNI backend with a network of its
/// own, containers run from a busybox-static root file system (no image registry). Dispose removes the containers
/// (podman's own CNI DEL), the network, the service, the host-local data and libcni cache files podman wrote under
/// /var/lib/cni, the cgroups and the temp dir; the fake host takes the links and chains with it.
/// </summary>
public sealed class PodmanRuntime : IDisposable
{
    private readonly FakeHost _host;
    private readonly string _tag;
    private readonly List<string> _containers = [];
    private readonly List<string> _pins = [];
    private readonly Process _service;

    public PodmanRuntime(FakeHost host)
    {
        foreach (var (tool, package) in new[] { ("podman", "podman"), ("runc", "runc"), ("conmon", "conmon"), ("nsenter", "util-linux") })
            Skip.If(Tools.Find(tool) is null, $"needs {tool} (Debian package {package})");
        Skip.IfNot(File.Exists("/bin/busybox") || File.Exists("/usr/bin/busybox"), "needs busybox (Debian package busybox-static) for a container root file system");
        Skip.IfNot(File.Exists("/usr/lib/cni/bridge"), "needs the CNI plugins (Debian package containernetworking-plugins)");
        _host = host;
        _tag = Guid.NewGuid().ToString("N")[..6];
        Network = "vxtpod" + _tag;
        Root = Directory.CreateTempSubdirectory("vxt-podman-").FullName;
        try
        {
            string rootfs = Path.Combine(Root, "rootfs");
            foreach (string d in new[] { "bin", "proc", "sys", "dev", "etc" }) Directory.CreateDirectory(Path.Combine(rootfs, d));
            File.Copy(File.Exists("/bin/busybox") ? "/bin/busybox" : "/usr/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "sh"), "busybox");
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", "sleep"), "busybox");
            Directory.CreateDirectory(Path.Combine(Root, "net.d"));
            File.WriteAllText(Path.Combine(Root, "containers.conf"), $"""
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                events_logfile_path = "{Root}/events.log"
                tmp_dir = "{Root}/tmp"
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["/usr/lib/cni"]
                network_config_dir = "{Root}/net.d"
                """);
            Podman("network", "create", "--subnet", $"10.{200 + Random.Shared.Next(50)}.{Random.Shared.Next(250)}.0/24", Network);
            _service = host.Start("env", [.. Env, "nsenter", $"--net={host.NetnsPath}", .. PodmanArgs, "system", "service", "--time=0", $"unix://{ApiSocket}"]);
            var watch = Stopwatch.StartNew();
            while (!File.Exists(ApiSocket))
            {
                if (_service.HasExited) throw new InvalidOperationException($"podman system service exited {_service.ExitCode}: {_service.StandardError.ReadToEnd()}");
                if (watch.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("podman system service made no socket in 20 s");
                Thread.Sleep(50);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Root { get; }

    public string Network { get; }

    public string ApiSocket => Path.Combine(Root, "api.sock");

    private string[] Env => ["CONTAINERS_CONF=" + Path.Combine(Root, "containers.conf")];

    private string[] PodmanArgs => ["podman", "--root", Path.Combine(Root, "root"), "--runroot", Path.Combine(Root, "run"), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"];

    /// <summary>Runs podman (the CLI, not the API) in the fake host's namespace.</summary>
    public string Podman(params string[] arguments) =>
        Tools.Run("env", [.. Env, "nsenter", $"--net={_host.NetnsPath}", .. PodmanArgs, .. arguments]).Trim();

    /// <summary>Starts a sleeping container on this runtime's network; returns its full id.</summary>
    public string Run(string name)
    {
        // Without CAP_SYS_RESOURCE runc cannot raise limits: ask for lower ones than ours.
        string id = Podman("run", "-d", "--name", $"{name}-{_tag}", "--ulimit", "nproc=4096:4096", "--ulimit", "nofile=1024:1024",
            $"--cgroup-parent=/vxt-{_tag}", "--network", Network, "--rootfs", Path.Combine(Root, "rootfs"), "sleep", "100000");
        _containers.Add(id);
        // A container whose conmon was killed is removed without podman's own netns cleanup: its pin is ours to remove.
        string pin = Podman("inspect", "-f", "{{.NetworkSettings.SandboxKey}}", id);
        if (pin.StartsWith("/run/netns/netns-", StringComparison.Ordinal)) _pins.Add(pin);
        return id;
    }

    /// <summary>
    /// What a crash leaves: conmon killed first (so nobody reports the exit), then the container's process; podman
    /// keeps calling the container running. Returns once both are gone (or zombies, which hold no namespace).
    /// </summary>
    public async Task CrashAsync(string id)
    {
        int conmon = ConmonPid(id);
        int pid = int.Parse(Podman("inspect", "-f", "{{.State.Pid}}", id), System.Globalization.CultureInfo.InvariantCulture);
        static bool Dead(int pid) => ProcInfo.State(pid) is null or 'Z';
        if (!Tools.TryRun("kill", "-9", conmon.ToString(System.Globalization.CultureInfo.InvariantCulture)) || !await Eventually.TrueAsync(() => Dead(conmon)))
            throw new InvalidOperationException($"conmon {conmon} of {id} would not die");
        if (!Tools.TryRun("kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) || !await Eventually.TrueAsync(() => Dead(pid)))
            throw new InvalidOperationException($"process {pid} of {id} would not die");
    }

    /// <summary>conmon's pid for a container, from the pidfile podman gave it.</summary>
    public int ConmonPid(string id) =>
        int.Parse(File.ReadAllText(Path.Combine(Root, "run", "vfs-containers", id, "userdata", "conmon.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (string id in _containers) Tools.TryRun("env", [.. Env, "nsenter", $"--net={_host.NetnsPath}", .. PodmanArgs, "rm", "-f", "-t", "0", id]);
        foreach (string pin in _pins)
        {
            Tools.TryRun("umount", pin);
            TryDelete(() => File.Delete(pin));
        }
        Tools.TryRun("env", [.. Env, "nsenter", $"--net={_host.NetnsPath}", .. PodmanArgs, "network", "rm", "-f", Network]);
        if (_service is { HasExited: false })
        {
            _service.Kill(entireProcessTree: true);
            _service.WaitForExit(5000);
        }
        // What podman's CNI backend wrote outside our temp dir (not configurable in podman 4.3).
        TryDelete(() => Directory.Delete(Path.Combine("/var/lib/cni/networks", Network), recursive: true));
        if (Directory.Exists("/var/lib/cni/results"))
        {
            foreach (string file in Directory.EnumerateFiles("/var/lib/cni/results", Network + "-*")) TryDelete(() => File.Delete(file));
        }
        foreach (string dir in Directory.EnumerateDirectories("/sys/fs/cgroup", $"vxt-{_tag}", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
            .OrderByDescending(d => d.Length))
        {
            foreach (string child in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length)) TryDelete(() => Directory.Delete(child));
            TryDelete(() => Directory.Delete(dir));
        }
        TryDelete(() => Directory.Delete(Root, recursive: true));
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

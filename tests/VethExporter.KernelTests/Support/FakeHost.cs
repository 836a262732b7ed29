using System.Diagnostics;
using VethExporter.Classification;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Scanning;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A throw-away network namespace that plays the host, plus the "container" namespaces and holder
/// processes a test builds around it. Dispose kills only the processes it started and deletes only the
/// namespaces it made; deleting the fake host takes every link inside it along.
/// </summary>
public sealed class FakeHost : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];

    public FakeHost()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: the test creates network namespaces, veths and bridges");
        Skip.If(Tools.Find("ip") is null, "needs iproute2 (ip)");
        Name = $"vxt-{Guid.NewGuid().ToString("N")[..8]}";
        Tools.Run("ip", "netns", "add", Name);
        _namespaces.Add(Name);
        Ip("link set lo up");
    }

    /// <summary>The fake host's namespace name; also the prefix of every namespace the test makes.</summary>
    public string Name { get; }

    public string NetnsPath => $"/run/netns/{Name}";

    /// <summary>Runs <c>ip -n HOST ARGS</c>; the arguments are split on spaces.</summary>
    public void Ip(string arguments) => Tools.Run("ip", ["-n", Name, .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);

    /// <summary>Runs a command inside the fake host's namespace.</summary>
    public string Exec(params string[] command) => Tools.Run("ip", ["netns", "exec", Name, .. command]);

    /// <summary>The names of the links in the fake host now.</summary>
    public string[] Links() =>
        Exec("ip", "-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[1].Trim().Split('@')[0]).ToArray();

    /// <summary>Creates a pinned "container" namespace (<c>ip netns add</c>) and returns its name.</summary>
    public string AddNamespace(string suffix)
    {
        string name = $"{Name}-{suffix}";
        Tools.Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        Tools.Run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /// <summary>Removes a container namespace's pin now (the test wants it gone mid-way).</summary>
    public void DeleteNamespace(string name)
    {
        Tools.Run("ip", "netns", "del", name);
        _namespaces.Remove(name);
    }

    /// <summary>A bridge in the fake host, up.</summary>
    public void AddBridge(string name)
    {
        Ip($"link add {name} type bridge");
        Ip($"link set {name} up");
    }

    /// <summary>A veth whose host end stays in the fake host and whose peer goes into <paramref name="peerNamespace"/>.</summary>
    public void AddVeth(string hostEnd, string peerNamespace, string? bridge = null, bool up = true, string peerName = "eth0")
    {
        Ip($"link add {hostEnd} type veth peer name {peerName} netns {peerNamespace}");
        if (bridge is not null) Ip($"link set {hostEnd} master {bridge}");
        if (up) Ip($"link set {hostEnd} up");
        Tools.Run("ip", "-n", peerNamespace, "link", "set", peerName, "up");
    }

    /// <summary>Starts a process the test owns; it is killed on dispose.</summary>
    public Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(Tools.Find(file) ?? file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        _processes.Add(process);
        return process;
    }

    /// <summary>A "container": a sleeping process inside a pinned namespace.</summary>
    public Process StartContainerProcess(string ns) => Start("ip", "netns", "exec", ns, "sleep", "3600");

    public async Task<ScanResult> ScanAsync(ClassificationPolicy? policy = null, FirewallOptions? firewall = null)
    {
        using var scanner = OpenScanner(policy, firewall);
        return await scanner.ScanAsync();
    }

    /// <summary>A scanner on the fake host (or on <paramref name="netnsPath"/>), opened now: it keeps that namespace open until disposed.</summary>
    public Scanner OpenScanner(ClassificationPolicy? policy = null, FirewallOptions? firewall = null, string? netnsPath = null) =>
        new(new ScannerOptions(new KernelPaths("/proc", netnsPath ?? NetnsPath), policy ?? ClassificationPolicy.Default, Firewall: firewall));

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            process.Dispose();
        }
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            Tools.TryRun("ip", "netns", "del", ns);
        }
    }
}

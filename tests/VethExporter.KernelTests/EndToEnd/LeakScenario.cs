using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.EndToEnd;

/// <summary>
/// The fake host the end-to-end tests share: a bridge with two live containers that talk to each other
/// over 192.0.2.0/24 (TEST-NET-1, inside the fake host only), and on demand the leaks a missed CNI DEL leaves
/// behind: pinned namespaces without a process whose veths stay in the host, one of them on the bridge.
/// </summary>
public sealed class LeakScenario
{
    public const string Bridge = "vxbr0";
    public const string LiveA = "vxlive1";
    public const string LiveB = "vxlive2";
    public const string AddressA = "192.0.2.1";
    public const string AddressB = "192.0.2.2";
    public const string BridgedLeak = "vxbrleak";

    /// <summary>Unbridged leaks: orphan / pinned_no_process, deletable once seen in two scans.</summary>
    public static readonly string[] Leaks = ["vxleak1", "vxleak2"];

    private readonly FakeHost _host;

    private LeakScenario(FakeHost host, string containerA, string containerB)
    {
        _host = host;
        ContainerA = containerA;
        ContainerB = containerB;
    }

    public string ContainerA { get; }

    public string ContainerB { get; }

    /// <summary>The bridge and both live containers, each a sleeping process in its namespace.</summary>
    public static LeakScenario Build(FakeHost host)
    {
        host.AddBridge(Bridge);
        string a = AddContainer(host, "a", LiveA, AddressA);
        string b = AddContainer(host, "b", LiveB, AddressB);
        return new LeakScenario(host, a, b);
    }

    private static string AddContainer(FakeHost host, string suffix, string hostEnd, string address)
    {
        string ns = host.AddNamespace(suffix);
        host.AddVeth(hostEnd, ns, Bridge);
        Tools.Run("ip", "-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
        host.StartContainerProcess(ns);
        return ns;
    }

    /// <summary>The leaks: a namespace pinned by `ip netns add`, no process in it, its veth left in the host.</summary>
    public void CreateLeaks()
    {
        foreach (var name in Leaks) _host.AddVeth(name, _host.AddNamespace(name[2..]));
        _host.AddVeth(BridgedLeak, _host.AddNamespace("brleak"), Bridge);
    }

    /// <summary>Three pings from container A to container B; the output on failure.</summary>
    public (bool Ok, string Output) Ping()
    {
        try
        {
            return (true, Tools.Run("ip", "netns", "exec", ContainerA, "ping", "-c", "3", "-i", "0.2", "-W", "2", AddressB));
        }
        catch (InvalidOperationException e)
        {
            return (false, e.Message);
        }
    }

    /// <summary>A ping from A to B that runs until interrupted (to check nothing is lost meanwhile).</summary>
    public BackgroundProcess StartContinuousPing() =>
        new("ip", ["netns", "exec", ContainerA, "ping", "-i", "0.2", "-W", "2", AddressB]);

    public bool LinkExists(string name) => Tools.TryRun("ip", "-n", _host.Name, "link", "show", "dev", name);

    public static void SkipUnlessToolsPresent(params string[] tools)
    {
        foreach (var tool in tools) Skip.If(Tools.Find(tool) is null, $"needs {tool}");
    }
}

using System.Formats.Tar;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Grpc.Net.Client;
using VethExporter.KernelTests.Cri;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// containerd 1.6 with its CRI plugin inside a fake host's namespace, every root (state, root, opt, CNI configs and
/// host-local data) under a temp dir, and a sandbox image made here from busybox-static (no image registry): an OCI
/// layout whose entrypoint sleeps, imported with ctr. Sandboxes get a bridge network of their own and a cgroup parent
/// of their own. Dispose kills containerd (and the shims it started), unmounts what it left under the temp dir, removes
/// the netns pins it made, the cgroups and the temp dir; the fake host takes the bridge and chains with it.
/// </summary>
public sealed class ContainerdRuntime : IDisposable
{
    public const string SandboxImage = "docker.io/vxt/sleep:1";
    private readonly FakeHost _host;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private readonly DirectoryInfo _root;

    public ContainerdRuntime(FakeHost host)
    {
        Skip.If(Tools.Find("containerd") is null || Tools.Find("ctr") is null, "needs containerd and ctr (Debian package containerd)");
        Skip.IfNot(File.Exists("/usr/lib/cni/bridge"), "needs the CNI plugins (Debian package containernetworking-plugins)");
        _host = host;
        _root = Directory.CreateTempSubdirectory("vxt-containerd-");
        try
        {
            Directory.CreateDirectory(Path.Combine(Root, "net.d"));
            File.WriteAllText(Path.Combine(Root, "net.d", "10-vxt.conflist"), $$$"""
                {"cniVersion":"1.0.0","name":"vxtcri{{{_tag}}}","plugins":[
                  {"type":"bridge","bridge":"vxtcri0","isGateway":true,"ipMasq":true,
                   "ipam":{"type":"host-local","ranges":[[{"subnet":"10.{{{200 + Random.Shared.Next(50)}}}.{{{Random.Shared.Next(250)}}}.0/24"}]],"dataDir":"{{{Root}}}/ipam"}},
                  {"type":"loopback"}]}
                """);
            // restrict_oom_score_adj: without CAP_SYS_RESOURCE runc cannot give the sandbox the -998 containerd asks for.
            File.WriteAllText(Path.Combine(Root, "config.toml"), $"""
                version = 2
                root = "{Root}/root"
                state = "{Root}/state"
                [grpc]
                  address = "{Socket}"
                [ttrpc]
                  address = "{Socket}.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "{Root}/opt"
                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "{SandboxImage}"
                  restrict_oom_score_adj = true
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "{Root}/net.d"
                """);
            Process = host.Start("nsenter", $"--net={host.NetnsPath}", "containerd", "--config", Path.Combine(Root, "config.toml"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!File.Exists(Socket))
            {
                if (Process.HasExited) throw new InvalidOperationException($"containerd exited {Process.ExitCode}");
                if (DateTime.UtcNow > deadline) throw new TimeoutException("containerd made no socket in 20 s");
                Thread.Sleep(50);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Root => _root.FullName;

    public string Socket => Path.Combine(Root, "containerd.sock");

    public System.Diagnostics.Process Process { get; }

    /// <summary>Imports the sandbox image: an OCI layout of busybox-static whose entrypoint sleeps.</summary>
    public void ImportSandboxImage()
    {
        Skip.IfNot(File.Exists("/bin/busybox"), "needs busybox (Debian package busybox-static) for the sandbox image");
        string tar = Path.Combine(Root, "sleep-image.tar");
        File.WriteAllBytes(tar, SleepImage());
        Tools.Run("ctr", "--address", Socket, "-n", "k8s.io", "images", "import", tar);
    }

    /// <summary>RunPodSandbox, as the kubelet would ask it (a pod name, namespace and uid).</summary>
    public async Task<string> RunSandboxAsync(string name)
    {
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var s = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(Socket), ct);
                    return new NetworkStream(s, ownsSocket: true);
                },
            },
        });
        var client = new RuntimeService.RuntimeServiceClient(channel);
        var answer = await client.RunPodSandboxAsync(new RunPodSandboxRequest
        {
            Config = new PodSandboxConfig
            {
                Metadata = new PodSandboxMetadata { Name = name, Namespace = "vxt", Uid = Guid.NewGuid().ToString() },
                Hostname = name,
                LogDirectory = Path.Combine(Root, "logs", name),
                Linux = new LinuxPodSandboxConfig { CgroupParent = $"/vxt-{_tag}" },
            },
        }, deadline: DateTime.UtcNow.AddSeconds(60));
        _sandboxes.Add(answer.PodSandboxId);
        return answer.PodSandboxId;
    }

    private static byte[] SleepImage()
    {
        byte[] layer = Tar(w =>
        {
            foreach (string d in new[] { "bin", "proc", "sys", "dev", "etc" }) w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, d) { Mode = (UnixFileMode)0b111_101_101 });
            w.WriteEntry("/bin/busybox", "bin/busybox");
            foreach (string l in new[] { "sh", "sleep" }) w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + l) { LinkName = "busybox" });
        });
        string layerDigest = Digest(layer);
        byte[] config = Encoding.UTF8.GetBytes($$$"""
            {"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/sleep","1000000"]},"rootfs":{"type":"layers","diff_ids":["{{{layerDigest}}}"]}}
            """);
        byte[] manifest = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{Digest(config)}}}","size":{{{config.Length}}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{{layerDigest}}}","size":{{{layer.Length}}}}]}
            """);
        byte[] index = Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{Digest(manifest)}}}","size":{{{manifest.Length}}},
             "annotations":{"org.opencontainers.image.ref.name":"{{{SandboxImage}}}","io.containerd.image.name":"{{{SandboxImage}}}"}}]}
            """);
        return Tar(w =>
        {
            Add(w, "oci-layout", Encoding.UTF8.GetBytes("""{"imageLayoutVersion":"1.0.0"}"""));
            Add(w, "index.json", index);
            foreach (byte[] blob in new[] { layer, config, manifest }) Add(w, "blobs/sha256/" + Digest(blob)["sha256:".Length..], blob);
        });
    }

    private static string Digest(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    private static byte[] Tar(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true)) write(writer);
        return buffer.ToArray();
    }

    private static void Add(TarWriter writer, string name, byte[] data) =>
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data), Mode = (UnixFileMode)0b110_100_100 });

    public void Dispose()
    {
        // Shims outlive containerd; they are ours when their -address is our socket.
        foreach (string dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.StartsWith("/usr/bin/containerd-shim", StringComparison.Ordinal) && cmdline.Contains($"-address {Socket} ", StringComparison.Ordinal))
                    Tools.TryRun("kill", "-9", Path.GetFileName(dir));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        if (Process is { HasExited: false })
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(5000);
        }
        // Pins containerd made for this runtime's sandboxes, then every mount left under the temp dir, deepest first.
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).ToList();
        foreach (string pin in Pins.Where(File.Exists))
        {
            Tools.TryRun("umount", pin);
            try { File.Delete(pin); } catch (IOException) { }
        }
        foreach (string mount in mounts.Where(m => m.StartsWith(Root + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length)) Tools.TryRun("umount", mount);
        if (Directory.Exists("/var/lib/cni/results"))
        {
            foreach (string file in _sandboxes.SelectMany(id => Directory.EnumerateFiles("/var/lib/cni/results", $"*-{id}-*")).ToList())
            {
                try { File.Delete(file); } catch (IOException) { }
            }
        }
        foreach (string dir in Directory.EnumerateDirectories("/sys/fs/cgroup", $"vxt-{_tag}", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 3 })
            .OrderByDescending(d => d.Length).ToList())
        {
            foreach (string child in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length)) TryDelete(() => Directory.Delete(child));
            TryDelete(() => Directory.Delete(dir));
        }
        TryDelete(() => _root.Delete(recursive: true));
    }

    /// <summary>Netns pins recorded for this runtime's sandboxes (their paths, from the tests).</summary>
    public List<string> Pins { get; } = [];

    /// <summary>Sandboxes run here: a test that kills one leaves libcni cache files (loopback's, the network's) that are ours to remove.</summary>
    private readonly List<string> _sandboxes = [];

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

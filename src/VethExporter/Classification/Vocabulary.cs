namespace VethExporter.Classification;

/// <summary>The states of a host-side veth (ARCHITECTURE §2). These strings are the public contract.</summary>
public static class VethStates
{
    public const string InUse = "in_use";
    public const string Orphan = "orphan";
    public const string Transient = "transient";

    public static readonly IReadOnlyList<string> All = [InUse, Orphan, Transient];
}

/// <summary>Why a veth has its state (ARCHITECTURE §2).</summary>
public static class Reasons
{
    public const string Process = "process";
    public const string Fd = "fd";
    public const string HostPlumbing = "host_plumbing";
    public const string PinnedNoProcess = "pinned_no_process";
    public const string NoVisibleHolder = "no_visible_holder";
    public const string PeerNetnsDying = "peer_netns_dying";
    public const string PeerNetnsStuck = "peer_netns_stuck";
    public const string HalfCreated = "half_created";

    /// <summary>in_use: a CRI runtime lists the peer's sandbox as ready, though no process lives in it (ARCHITECTURE §7).</summary>
    public const string RuntimeSandbox = "runtime_sandbox";

    public static readonly IReadOnlyList<string> OrphanReasons = [PinnedNoProcess, NoVisibleHolder, PeerNetnsStuck, HalfCreated];
}

/// <summary>What keeps an orphan from being deleted (ARCHITECTURE §3).</summary>
public static class Blockers
{
    public const string UnstableIdentity = "unstable_identity";
    public const string TooYoung = "too_young";
    public const string BridgePort = "bridge_port";
    public const string BridgeMacSource = "bridge_mac_source";
    public const string Tc = "tc";
    public const string Xdp = "xdp";
    public const string Addresses = "addresses";
    public const string Firewall = "firewall";
    public const string Protected = "protected";
    public const string ReasonNotRemediable = "reason_not_remediable";

    /// <summary>The exporter cannot see every task: no "no process" verdict can be acted on.</summary>
    public const string HostViewIncomplete = "host_view_incomplete";

    /// <summary>A runtime still lists the sandbox: it is the runtime's to clean (runtime_cleanup), not ours to delete.</summary>
    public const string RuntimeOwned = "runtime_owned";

    /// <summary>A runtime socket was found or configured but did not answer fully: any orphan might be its.</summary>
    public const string RuntimeUnreachable = "runtime_unreachable";
}

namespace VethExporter.Classification;

/// <summary>The states of a CNI attachment (ARCHITECTURE §6). These strings are the public contract.</summary>
public static class AttachmentStates
{
    public const string Live = "live";
    public const string Leaked = "leaked";
    /// <summary>Doubt: something does not add up, so nothing is done to it.</summary>
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [Live, Leaked, Unknown];
}

/// <summary>Why an attachment has its state.</summary>
public static class AttachmentReasons
{
    // live: the holder of its namespace, as for veths.
    public const string Process = Reasons.Process;
    public const string Fd = Reasons.Fd;
    public const string RuntimeSandbox = Reasons.RuntimeSandbox;

    // leaked
    public const string PinnedNoProcess = Reasons.PinnedNoProcess;
    /// <summary>The namespace is gone (its veth went with it): only lease, cache, chains and ifb are left.</summary>
    public const string NetnsGone = "netns_gone";

    // unknown
    /// <summary>Leases or chains that no libcni cache entry explains: nothing says how to undo them.</summary>
    public const string NoCacheEntry = "no_cache_entry";
    /// <summary>The cached netns path could not be told alive or gone (see the attachment's netns doubt).</summary>
    public const string NetnsUnverified = "netns_unverified";
    /// <summary>The cached host veth's peer is in another namespace than the cached netns path reaches.</summary>
    public const string NetnsMismatch = "netns_mismatch";
    /// <summary>The netns path is gone, but no host interface in the cached result can confirm the namespace died.</summary>
    public const string NetnsGoneUnconfirmed = "netns_gone_unconfirmed";
    /// <summary>No netns path was cached.</summary>
    public const string NoNetns = "no_netns";
    // and any veth reason other than pinned_no_process (no_visible_holder, peer_netns_dying, …) when the host veth says it.
}

/// <summary>The state of one host-local lease (veth_cni_ip_leases).</summary>
public static class LeaseStates
{
    /// <summary>Its attachment is live, or in doubt: counted as used.</summary>
    public const string Live = "live";
    public const string Leaked = "leaked";
    /// <summary>No cache entry names its container.</summary>
    public const string Unowned = "unowned";

    public static readonly IReadOnlyList<string> All = [Live, Leaked, Unowned];
}

/// <summary>What a leaked attachment leaves behind (veth_cni_leaked_resources{kind}).</summary>
public static class LeakedResourceKinds
{
    public const string Lease = "lease";
    public const string FirewallChain = "firewall_chain";
    public const string Ifb = "ifb";
    public const string CacheFile = "cache_file";
    public const string NetnsPin = "netns_pin";

    public static readonly IReadOnlyList<string> All = [Lease, FirewallChain, Ifb, CacheFile, NetnsPin];
}

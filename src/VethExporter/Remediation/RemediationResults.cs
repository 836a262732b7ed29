namespace VethExporter.Remediation;

/// <summary>The outcome of one interface in a remediation request (ARCHITECTURE §4).</summary>
public static class RemediationResults
{
    public const string Deleted = "deleted";
    public const string WouldDelete = "would_delete";
    public const string Refused = "refused";
    public const string NotFound = "not_found";
    public const string Failed = "failed";
}

/// <summary>What remediation did (or would do) to an interface: the action label of veth_remediation_actions_total.</summary>
public static class RemediationActions
{
    public const string Delete = "delete";
    public const string DetachDelete = "detach_delete";
    public const string ReleaseNetns = "release_netns";
    /// <summary>The libcni DEL replayed from the cache, then what the plugins leave, then a check that all of it is gone (ARCHITECTURE §6).</summary>
    public const string CniDel = "cni_del";
    /// <summary>The owning runtime stops and removes the sandbox (its own teardown), then everything is checked gone (ARCHITECTURE §7).</summary>
    public const string RuntimeCleanup = "runtime_cleanup";
    public const string None = "none";
}

/// <summary>Refusals that are about the request, not about the interface's own blockers.</summary>
public static class RefusalReasons
{
    public const string NotOrphan = "not_orphan";
    public const string MaxDeletes = "max_deletes";
    public const string MaxDeletesPerHour = "max_deletes_per_hour";
    public const string IdentityChanged = "identity_changed";

    /// <summary>Right before the action, a task or an fd held the peer namespace (or we could not tell).</summary>
    public const string HoldersChanged = "holders_changed";

    /// <summary>A veth that was to go with another interface (its namespace released, its pair end deleted), which did not go.</summary>
    public const string NamespaceNotReleased = "namespace_not_released";

    /// <summary>The other end of a half-created pair, which would go too, is not deletable itself.</summary>
    public const string PairEndBlocked = "pair_end_blocked";

    /// <summary>The intent could not be written to the audit file, so nothing was done.</summary>
    public const string AuditUnwritable = "audit_unwritable";

    /// <summary>The veth belongs to a CNI attachment in doubt: deleting it alone would strand its lease and chains.</summary>
    public const string AttachmentUnknown = "attachment_unknown";

    /// <summary>A plugin of the cached config cannot be found or trusted, or the config cannot be replayed.</summary>
    public const string PluginUnusable = "plugin_unusable";

    /// <summary>Several sandboxes claim the namespace (a podman pod's containers): cleaning one would not free it.</summary>
    public const string SandboxShared = "sandbox_shared";

    /// <summary>Another veth or attachment of the same sandbox, which its cleanup would take too, may not go.</summary>
    public const string SandboxMemberBlocked = "sandbox_member_blocked";

    /// <summary>Right before runtime_cleanup the runtime described the sandbox otherwise than the scan (restarted, gone, its pid alive).</summary>
    public const string SandboxChanged = "sandbox_changed";

    /// <summary>The name does not pick out one link: it is shared, or does not decode.</summary>
    public const string AmbiguousName = "ambiguous_name";
}

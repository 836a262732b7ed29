namespace VethExporter.Remediation;

/// <summary>One line of a remediation response.</summary>
/// <param name="Result">deleted, would_delete, refused, not_found or failed.</param>
/// <param name="Interface">The host veth; null for a CNI attachment whose netns (and veth) is gone.</param>
/// <param name="Blockers">Why it was refused (its blockers, or a request-level reason such as max_deletes).</param>
public sealed record InterfaceResult(
    string? Interface,
    string Result,
    string Action,
    int? Ifindex,
    string? Bridge,
    string? State,
    string? Reason,
    IReadOnlyList<string> Blockers,
    string? Error)
{
    /// <summary>The CNI attachment this result is about (cni_del), or null.</summary>
    public AttachmentTarget? Attachment { get; init; }

    /// <summary>For cni_del: everything it removes (or, on a dry run, would remove), and the plugins it runs.</summary>
    public IReadOnlyList<string>? Removes { get; init; }

    /// <summary>The key of the target in plans (<see cref="PlannedItem.KeyOf"/>): the veth, or network/containerId/ifName.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Target => Interface ?? (Attachment is { } a ? $"{a.Network}/{a.ContainerId}/{a.IfName}" : "");
}

/// <summary>A CNI attachment as remediation results name it (ARCHITECTURE §6).</summary>
public sealed record AttachmentTarget(string Network, string ContainerId, string IfName);

/// <summary>The response to a remediation request.</summary>
public sealed record RemediationResponse(string RequestId, bool DryRun, IReadOnlyList<InterfaceResult> Results);

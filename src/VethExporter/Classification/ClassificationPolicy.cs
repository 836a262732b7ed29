using System.Text.RegularExpressions;

namespace VethExporter.Classification;

/// <summary>The operator's choices that shape verdicts and blockers.</summary>
/// <param name="PeerDyingGrace">How long a peer namespace may stay in teardown before it counts as stuck.</param>
/// <param name="Protect">Names matching this are never deletable.</param>
/// <param name="DetachBridged">Bridged orphans may be detached then deleted (bridge_port no longer blocks).</param>
/// <param name="AllowNoVisibleHolder">no_visible_holder orphans are remediable.</param>
/// <param name="AllowPeerNetnsStuck">peer_netns_stuck orphans are remediable.</param>
public sealed record ClassificationPolicy(
    TimeSpan PeerDyingGrace,
    Regex? Protect = null,
    bool DetachBridged = false,
    bool AllowNoVisibleHolder = false,
    bool AllowPeerNetnsStuck = false)
{
    public static ClassificationPolicy Default { get; } = new(TimeSpan.FromMinutes(5));
}

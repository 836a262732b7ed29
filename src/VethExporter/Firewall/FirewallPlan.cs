namespace VethExporter.Firewall;

/// <summary>The listings to run, and the doubt already known before running any.</summary>
/// <param name="Missing">Tools the kernel's tables need that are not installed, each as a failure message.</param>
/// <param name="DecodedNftFamilies">nf_tables families whose iptables-style tool is among the listings: only it can print their extensions.</param>
public sealed record FirewallPlan(IReadOnlyList<FirewallListing> Listings, IReadOnlyList<string> Missing, IReadOnlySet<string> DecodedNftFamilies);

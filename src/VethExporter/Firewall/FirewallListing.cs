namespace VethExporter.Firewall;

/// <summary>One listing command to run in the scanned namespace.</summary>
/// <param name="IsNftRuleset">It is <c>nft list ruleset</c>, whose output is also checked for extensions nft cannot print.</param>
public sealed record FirewallListing(string Tool, string Path, IReadOnlyList<string> Arguments, bool IsNftRuleset = false);

namespace VethExporter.Firewall;

/// <summary>Reads which nf_tables families of an <c>nft list ruleset</c> listing hold rules that use iptables extensions.</summary>
public static class NftExtensions
{
    public static HashSet<string> FamiliesUsingExtensions(string ruleset)
    {
        var families = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var range in ruleset.AsSpan().Split('\n'))
        {
            var line = ruleset.AsSpan()[range].Trim();
            if (line.StartsWith("table "))
            {
                var rest = line["table ".Length..].TrimStart();
                int space = rest.IndexOf(' ');
                current = (space < 0 ? rest : rest[..space]).ToString();
            }
            // nft prints an extension it cannot translate as "xt match NAME" or "xt target NAME", without its options.
            else if (line.Contains("xt match ", StringComparison.Ordinal) || line.Contains("xt target ", StringComparison.Ordinal))
            {
                families.Add(current ?? "unknown");
            }
        }
        return families;
    }
}

namespace VethExporter.Firewall;

/// <summary>
/// Finds which interface names appear as whole words in firewall rule listings (iptables-save,
/// ebtables-save, <c>nft list ruleset</c>). Exact names only: a wildcard such as <c>cali+</c> names a
/// family of interfaces, not this one, and would otherwise pin every leak of a CNI forever.
/// </summary>
public static class FirewallReferenceParser
{
    private static readonly char[] Separators = [' ', '\t', '\n', '\r', '"', '\'', ',', '{', '}', '=', ';', '(', ')'];

    public static HashSet<string> FindReferences(string rules, IReadOnlyCollection<string> names)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (names.Count == 0 || rules.Length == 0) return found;
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        foreach (var range in rules.AsSpan().SplitAny(Separators))
        {
            var token = rules.AsSpan()[range];
            if (token.IsEmpty) continue;
            var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(token, out var name)) found.Add(name);
        }
        return found;
    }
}

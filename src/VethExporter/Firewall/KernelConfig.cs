namespace VethExporter.Firewall;

/// <summary>Looks options up in a kernel build configuration (<c>/proc/config.gz</c>, <c>/boot/config-RELEASE</c>).</summary>
public static class KernelConfig
{
    /// <returns><c>'y'</c> built in, <c>'m'</c> a module, <c>'n'</c> "is not set", null when the option is not mentioned.</returns>
    public static char? Lookup(string config, string option)
    {
        foreach (var range in config.AsSpan().Split('\n'))
        {
            var line = config.AsSpan()[range].Trim();
            if (line.StartsWith(option) && line.Length > option.Length && line[option.Length] == '=')
                return line.Length > option.Length + 1 ? line[option.Length + 1] : 'n';
            if (line.StartsWith("# ") && line[2..].StartsWith(option) && line[(2 + option.Length)..].SequenceEqual(" is not set"))
                return 'n';
        }
        return null;
    }
}

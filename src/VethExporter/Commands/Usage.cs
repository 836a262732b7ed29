using System.Text;
using VethExporter.Cli;

namespace VethExporter.Commands;

/// <summary>The --help text, generated from the flag table so it never drifts.</summary>
internal static class Usage
{
    public static string Text()
    {
        var text = new StringBuilder();
        text.AppendLine("usage: veth-exporter [serve|scan|remediate|capture-fixtures] [flags]");
        text.AppendLine();
        text.AppendLine("  serve             scan periodically and serve /metrics, the API and a landing page (default)");
        text.AppendLine("  scan              scan once and print the result (--output text|json)");
        text.AppendLine("  remediate [IF…]   run the verified delete path for the named interfaces (--dry-run)");
        text.AppendLine("  capture-fixtures  write raw netlink dumps to --out DIR");
        text.AppendLine();
        text.AppendLine("flags (also settable as VETH_EXPORTER_<FLAG>, e.g. VETH_EXPORTER_SCAN_INTERVAL=1m):");
        foreach (var flag in Flags.All)
        {
            string name = flag.IsSwitch ? $"--{flag.Name}" : $"--{flag.Name} VALUE";
            text.Append("  ").Append(name.PadRight(42)).Append(flag.Help);
            if (flag.Default is not null && !flag.IsSwitch) text.Append(" Default: ").Append(flag.Default).Append('.');
            text.AppendLine();
        }
        return text.ToString();
    }
}

using System.Text;
using VethExporter.Cli;

namespace VethExporter.Commands;

/// <summary>Each command's --help, generated from the flag table so it never drifts.</summary>
internal static class Usage
{
    private static readonly (string Verb, string Synopsis, string Summary)[] Commands =
    [
        ("serve", "serve [flags]", "scan periodically and serve /metrics, the API and a landing page (the default command)"),
        ("scan", "scan [flags]", "scan once and print the verdicts (--output text|json)"),
        ("remediate", "remediate [flags] [IFACE…]", "run the verified delete path for the named interfaces, or every deletable orphan (--dry-run)"),
        ("capture-fixtures", "capture-fixtures --out DIR [flags]", "write raw netlink dumps for parser fixtures and bug reports; with --path.procfs TREE also the kernel answers of one scan of TREE (end-to-end fixtures)"),
    ];

    public static string Text(string verb)
    {
        var (_, synopsis, summary) = Commands.Single(c => c.Verb == verb);
        var text = new StringBuilder();
        text.Append("usage: veth-exporter ").AppendLine(synopsis);
        text.Append("  ").AppendLine(summary);
        text.AppendLine();
        if (verb == "serve")
        {
            text.AppendLine("commands (each with its own --help):");
            foreach (var (name, _, about) in Commands) text.Append("  ").Append(name.PadRight(18)).AppendLine(about);
            text.AppendLine();
        }
        text.AppendLine("flags (also settable as VETH_EXPORTER_<FLAG>, e.g. VETH_EXPORTER_SCAN_INTERVAL=1m):");
        foreach (var flag in Flags.All.Where(f => f.BelongsTo(verb)))
        {
            string name = flag.IsSwitch ? $"--{flag.Name}" : $"--{flag.Name} VALUE";
            text.Append("  ").Append(name.PadRight(42)).Append(flag.Help);
            if (flag.Default is not null && !flag.IsSwitch) text.Append(" Default: ").Append(flag.Default).Append('.');
            text.AppendLine();
        }
        return text.ToString();
    }
}

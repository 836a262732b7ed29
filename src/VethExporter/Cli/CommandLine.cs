using VethExporter.Common;

namespace VethExporter.Cli;

/// <summary>
/// A parsed command line: the verb, the flags given (as <c>--name value</c> or <c>--name=value</c>),
/// and the positional arguments. Unknown flags, flags of another verb and missing values are usage
/// errors, never ignored.
/// </summary>
public sealed class CommandLine
{
    public static readonly IReadOnlyList<string> Verbs = ["serve", "scan", "remediate", "capture-fixtures"];

    private readonly Dictionary<string, List<string>> _values;

    private CommandLine(string verb, Dictionary<string, List<string>> values, List<string> arguments)
    {
        Verb = verb;
        _values = values;
        Arguments = arguments;
    }

    public string Verb { get; }

    public IReadOnlyList<string> Arguments { get; }

    public bool HelpRequested => _values.ContainsKey("help");

    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyList<FlagDefinition> flags)
    {
        string verb = "serve";
        int start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            if (!Verbs.Contains(args[0])) throw new UsageException($"unknown command \"{args[0]}\"; commands: {string.Join(", ", Verbs)}");
            verb = args[0];
            start = 1;
        }

        var known = flags.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var arguments = new List<string>();
        for (int i = start; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                arguments.AddRange(args.Skip(i + 1));
                break;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                arguments.Add(arg);
                continue;
            }

            string name = arg[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            if (name is "help" or "h")
            {
                values["help"] = [];
                continue;
            }
            if (!known.TryGetValue(name, out var flag)) throw new UsageException($"unknown flag --{name} (see {verb} --help)");
            if (!flag.BelongsTo(verb)) throw new UsageException($"--{name} is not a flag of {verb} (see {verb} --help)");

            if (flag.IsSwitch)
            {
                value ??= "true";
                if (value is not ("true" or "false")) throw new UsageException($"--{name} takes true or false, not \"{value}\"");
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count) throw new UsageException($"--{name} needs a value");
                value = args[++i];
            }

            if (!values.TryGetValue(name, out var list)) values[name] = list = [];
            if (list.Count > 0 && !flag.Repeatable) throw new UsageException($"--{name} given more than once");
            list.Add(value);
        }
        return new CommandLine(verb, values, arguments);
    }

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public bool Has(string name) => _values.ContainsKey(name);
}

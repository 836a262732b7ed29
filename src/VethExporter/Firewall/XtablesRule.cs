using System.Text;

namespace VethExporter.Firewall;

/// <summary>Rules in iptables-save form: splitting them into arguments, and turning an append into a delete.</summary>
public static class XtablesRule
{
    /// <summary>
    /// Splits a line as iptables-save quotes it: arguments separated by blanks, an argument with blanks in
    /// double quotes, <c>\"</c> and <c>\\</c> escaped inside.
    /// </summary>
    public static List<string> Split(string line)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        bool inArgument = false, quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\') current.Append(line[++i]);
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c is ' ' or '\t')
            {
                if (inArgument) arguments.Add(current.ToString());
                current.Clear();
                inArgument = false;
            }
            else if (c == '"')
            {
                quoted = inArgument = true;
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }
        if (inArgument) arguments.Add(current.ToString());
        return arguments;
    }

    /// <summary>The arguments that delete a listed <c>-A CHAIN …</c> rule from <paramref name="table"/>: <c>-t TABLE -D CHAIN …</c>.</summary>
    public static IReadOnlyList<string> DeleteArguments(string table, string appendRule)
    {
        var arguments = Split(appendRule);
        if (arguments.Count < 2 || arguments[0] != "-A")
            throw new ArgumentException($"not an appended rule: {appendRule}", nameof(appendRule));
        return ["-t", table, "-D", .. arguments.Skip(1)];
    }
}

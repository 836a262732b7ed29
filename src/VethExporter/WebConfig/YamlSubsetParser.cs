using System.Globalization;
using System.Text;

namespace VethExporter.WebConfig;

/// <summary>
/// Parses the YAML that web configuration files are written in: nested block mappings of scalars
/// (plain, 'single' or "double" quoted), comments and a leading <c>---</c>. Everything else YAML can say
/// (sequences, flow collections, anchors, tags, block scalars, several documents) is refused with its
/// line rather than guessed at: this file decides who may connect.
/// </summary>
public static class YamlSubsetParser
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxDepth = 8;

    private sealed record Line(int Number, int Indent, string Key, string? Rest);

    /// <summary>The document's top-level mapping (empty for an empty document); FormatException on anything outside the subset.</summary>
    public static YamlMapping Parse(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes) throw new FormatException($"the file is larger than {MaxBytes} bytes");
        var lines = Tokenize(text);
        int index = 0;
        var root = ParseMapping(lines, ref index, lines.Count > 0 ? lines[0].Indent : 0, depth: 1, line: 1);
        if (index < lines.Count) throw Error(lines[index].Number, "unexpected indentation");
        return root;
    }

    private static YamlMapping ParseMapping(List<Line> lines, ref int index, int indent, int depth, int line)
    {
        if (depth > MaxDepth) throw Error(line, $"nested deeper than {MaxDepth} levels");
        var entries = new List<KeyValuePair<string, YamlNode>>();
        while (index < lines.Count && lines[index].Indent == indent)
        {
            var current = lines[index++];
            if (entries.Exists(e => e.Key == current.Key)) throw Error(current.Number, $"key \"{current.Key}\" appears twice");
            YamlNode value;
            if (current.Rest is not null)
            {
                value = new YamlScalar(Scalar(current.Rest, current.Number), current.Number);
            }
            else if (index < lines.Count && lines[index].Indent > indent)
            {
                value = ParseMapping(lines, ref index, lines[index].Indent, depth + 1, current.Number);
            }
            else
            {
                value = new YamlScalar(null, current.Number);
            }
            entries.Add(new(current.Key, value));
        }
        if (index < lines.Count && lines[index].Indent > indent) throw Error(lines[index].Number, "unexpected indentation");
        return new YamlMapping(entries, line);
    }

    private static List<Line> Tokenize(string text)
    {
        var lines = new List<Line>();
        string[] raw = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        bool content = false;
        for (int i = 0; i < raw.Length; i++)
        {
            int number = i + 1;
            string withoutComment = StripComment(raw[i], number);
            if (withoutComment.Trim().Length == 0) continue;
            int indent = 0;
            while (indent < withoutComment.Length && withoutComment[indent] == ' ') indent++;
            if (indent < withoutComment.Length && withoutComment[indent] == '\t') throw Error(number, "tabs are not allowed for indentation");
            string body = withoutComment[indent..].TrimEnd();
            if (body == "---" && indent == 0)
            {
                if (content) throw Error(number, "only one document is allowed");
                content = true;
                continue;
            }
            if (body == "..." || body.StartsWith('%')) throw Error(number, "directives and document ends are not supported");
            if (body.StartsWith("- ", StringComparison.Ordinal) || body == "-") throw Error(number, "sequences are not supported");
            if (body.StartsWith('?')) throw Error(number, "complex keys are not supported");
            content = true;
            var (key, rest) = SplitKey(body, number);
            // Judge the value on its own line first, so a block scalar is named as such, not as its next line.
            if (rest is not null) _ = Scalar(rest, number);
            lines.Add(new Line(number, indent, key, rest));
        }
        return lines;
    }

    /// <summary>Splits "key: value" at the first ": " (or a trailing ":") outside quotes.</summary>
    private static (string Key, string? Value) SplitKey(string body, int number)
    {
        int colon;
        string key;
        if (body[0] is '"' or '\'')
        {
            int end = QuotedEnd(body, 0, number);
            key = Scalar(body[..(end + 1)], number)!;
            colon = end + 1;
            if (colon >= body.Length || body[colon] != ':') throw Error(number, "expected \":\" after the key");
        }
        else
        {
            colon = -1;
            for (int i = 0; i < body.Length; i++)
            {
                if (body[i] == ':' && (i + 1 == body.Length || body[i + 1] == ' '))
                {
                    colon = i;
                    break;
                }
            }
            if (colon <= 0) throw Error(number, "expected \"key: value\"");
            key = body[..colon].TrimEnd();
            if (key.IndexOfAny(['{', '}', '[', ']', '&', '*', '!', '|', '>', '#', ',']) >= 0 || key.Length == 0)
                throw Error(number, $"unsupported key \"{key}\"");
        }
        string rest = body[(colon + 1)..].Trim();
        return (key, rest.Length == 0 ? null : rest);
    }

    private static string? Scalar(string text, int number)
    {
        if (text[0] is '"' or '\'')
        {
            int end = QuotedEnd(text, 0, number);
            if (end != text.Length - 1) throw Error(number, "text after a quoted value");
            return text[0] == '\'' ? text[1..^1].Replace("''", "'", StringComparison.Ordinal) : Unescape(text[1..^1], number);
        }
        if (text is "~" or "null" or "Null" or "NULL") return null;
        if (text[0] is '[' or '{') throw Error(number, "flow collections are not supported");
        if (text[0] is '&' or '*' or '!') throw Error(number, "anchors, aliases and tags are not supported");
        if (text[0] is '|' or '>') throw Error(number, "block scalars are not supported");
        if (text[0] is '@' or '`') throw Error(number, $"a plain value cannot start with {text[0]}");
        if (text.Contains(": ", StringComparison.Ordinal) || text.EndsWith(':')) throw Error(number, "a value cannot contain \": \" unless quoted");
        return text;
    }

    /// <summary>The index of the closing quote of the quoted text starting at start.</summary>
    private static int QuotedEnd(string text, int start, int number)
    {
        char quote = text[start];
        for (int i = start + 1; i < text.Length; i++)
        {
            if (quote == '"' && text[i] == '\\')
            {
                i++;
                continue;
            }
            if (text[i] != quote) continue;
            if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
            {
                i++;
                continue;
            }
            return i;
        }
        throw Error(number, "unterminated quoted value");
    }

    private static string Unescape(string text, int number)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }
            if (++i == text.Length) throw Error(number, "a lone backslash");
            switch (text[i])
            {
                case '"': result.Append('"'); break;
                case '\\': result.Append('\\'); break;
                case '/': result.Append('/'); break;
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'u' when i + 4 < text.Length && ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code):
                    result.Append((char)code);
                    i += 4;
                    break;
                default: throw Error(number, $"unsupported escape \\{text[i]}");
            }
        }
        return result.ToString();
    }

    /// <summary>The line without its comment: a # at the start or after a space, outside quotes.</summary>
    private static string StripComment(string line, int number)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (quote == '"' && c == '\\') i++;
                else if (c == quote) quote = '\0';
            }
            else if (c is '"' or '\'' && (i == 0 || line[i - 1] is ' ' or ':'))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || line[i - 1] is ' ' or '\t'))
            {
                return line[..i];
            }
        }
        if (quote != '\0') throw Error(number, "unterminated quoted value");
        return line;
    }

    private static FormatException Error(int line, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"line {line}: {message}"));
}

/// <summary>A block mapping, keys unique and in file order.</summary>
public sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries, int Line) : YamlNode(Line);

/// <summary>A node of the small YAML subset the web configuration uses: a scalar or a mapping.</summary>
public abstract record YamlNode(int Line);

/// <summary>A scalar; Value is null for an empty value, <c>~</c> or <c>null</c>.</summary>
public sealed record YamlScalar(string? Value, int Line) : YamlNode(Line);

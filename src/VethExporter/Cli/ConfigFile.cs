using System.Globalization;
using System.Text.Json;
using VethExporter.Common;

namespace VethExporter.Cli;

/// <summary>
/// Reads the optional config file: one JSON object whose keys are flag names and whose values are
/// strings, numbers, booleans or (for repeatable flags) arrays of strings. Unknown keys are errors.
/// </summary>
public static class ConfigFile
{
    public static Dictionary<string, string> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--config.file {path}: {e.Message}");
        }
        return Parse(text, path);
    }

    public static Dictionary<string, string> Parse(string text, string source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new UsageException($"--config.file {source}: not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new UsageException($"--config.file {source}: expected a JSON object of flag names");
            var known = Flags.All.ToDictionary(f => f.Name, StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!known.TryGetValue(property.Name, out var flag) || property.Name == "config.file")
                    throw new UsageException($"--config.file {source}: unknown key \"{property.Name}\"");
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Array when flag.Repeatable && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) =>
                        string.Join(',', property.Value.EnumerateArray().Select(v => v.GetString())),
                    _ => throw new UsageException($"--config.file {source}: \"{property.Name}\" has a value of the wrong type ({property.Value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture)})"),
                };
            }
        }
        return values;
    }
}

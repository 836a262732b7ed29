using System.Text.Json;

namespace VethExporter.Cni;

/// <summary>
/// Typed reads of JsonDocument values that say what was wrong instead of throwing InvalidOperationException:
/// cache files and configs come from other programs and may be anything.
/// </summary>
internal static class CniJson
{
    /// <summary>Deeper than any real config or result (they nest five or six levels); a hostile file stops here.</summary>
    public const int MaxDepth = 64;

    public static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>A string member, null when absent or JSON null; any other type is an error.</summary>
    public static bool TryOptionalString(JsonElement parent, string name, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"\"{name}\" is {Describe(element)}, not a string";
            return false;
        }
        value = element.GetString();
        return true;
    }

    /// <summary>A string member that must be there and not be empty.</summary>
    public static bool TryRequiredString(JsonElement parent, string name, out string value, out string? error)
    {
        value = "";
        if (!TryOptionalString(parent, name, out var found, out error)) return false;
        if (string.IsNullOrEmpty(found))
        {
            error = $"\"{name}\" is missing or empty";
            return false;
        }
        value = found;
        return true;
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}

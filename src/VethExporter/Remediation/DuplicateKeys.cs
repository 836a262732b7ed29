using System.Text.Json;

namespace VethExporter.Remediation;

/// <summary>
/// JsonDocument keeps every duplicate of a key and a reader sees the one it happens to look at:
/// <c>{"dryRun":true,"dryRun":false}</c> must not mean either. A body with a repeated key is rejected whole.
/// </summary>
public static class DuplicateKeys
{
    /// <returns>The first key found twice in one object, at any depth, or null.</returns>
    public static string? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name)) return property.Name;
                    if (Find(property.Value) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } inner) return inner;
                }
                return null;
            default:
                return null;
        }
    }
}

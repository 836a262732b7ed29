using System.Text.Json;

namespace VethExporter.Remediation;

/// <summary>
/// Parses the body of POST /api/v1/remediate strictly: <c>{"interfaces":["veth…"],"dryRun":true}</c> or
/// <c>{"all":true,"bridge":"docker0","dryRun":false}</c>. Unknown fields, repeated keys, wrong types, deep
/// nesting, oversized lists and names the kernel could not have given an interface are all rejected
/// whole, and so is a body without <c>dryRun</c>: whether it deletes is always said, never assumed.
/// </summary>
public static class RemediationRequestParser
{
    public const int MaxInterfaces = 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow };

    public static RequestParseResult Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            return RequestParseResult.Fail($"malformed JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return RequestParseResult.Fail("the body must be a JSON object");
            if (DuplicateKeys.Find(root) is { } repeated) return RequestParseResult.Fail($"\"{Printable(repeated)}\" is given more than once");

            List<string>? interfaces = null;
            bool all = false;
            bool? dryRun = null;
            string? bridge = null, reason = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "interfaces":
                        if (property.Value.ValueKind != JsonValueKind.Array) return RequestParseResult.Fail("\"interfaces\" must be an array of interface names");
                        if (property.Value.GetArrayLength() > MaxInterfaces) return RequestParseResult.Fail($"\"interfaces\" may name at most {MaxInterfaces} interfaces");
                        interfaces = [];
                        foreach (var item in property.Value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String) return RequestParseResult.Fail("\"interfaces\" must contain only strings");
                            string name = item.GetString()!;
                            if (!InterfaceName.IsValid(name)) return RequestParseResult.Fail($"\"{Printable(name)}\" is not a valid interface name");
                            interfaces.Add(name);
                        }
                        break;
                    case "all":
                        if (!TryBool(property.Value, out all)) return RequestParseResult.Fail("\"all\" must be true or false");
                        break;
                    case "dryRun":
                        if (!TryBool(property.Value, out bool dry)) return RequestParseResult.Fail("\"dryRun\" must be true or false");
                        dryRun = dry;
                        break;
                    case "bridge":
                        if (property.Value.ValueKind != JsonValueKind.String || !InterfaceName.IsValid(property.Value.GetString()) && property.Value.GetString() != "none")
                            return RequestParseResult.Fail("\"bridge\" must be a bridge name (or \"none\")");
                        bridge = property.Value.GetString();
                        break;
                    case "reason":
                        if (property.Value.ValueKind != JsonValueKind.String || !Classification.Reasons.OrphanReasons.Contains(property.Value.GetString()))
                            return RequestParseResult.Fail($"\"reason\" must be one of {string.Join(", ", Classification.Reasons.OrphanReasons)}");
                        reason = property.Value.GetString();
                        break;
                    default:
                        return RequestParseResult.Fail($"unknown field \"{Printable(property.Name)}\"");
                }
            }

            if (interfaces is { Count: > 0 } && all) return RequestParseResult.Fail("give either \"interfaces\" or \"all\", not both");
            if (interfaces is not { Count: > 0 } && !all) return RequestParseResult.Fail("nothing to do: give \"interfaces\" or \"all\": true");
            if (!all && (bridge is not null || reason is not null)) return RequestParseResult.Fail("\"bridge\" and \"reason\" narrow \"all\": true");
            if (dryRun is not bool isDryRun) return RequestParseResult.Fail("\"dryRun\" is required: true to see what would go, false to delete");
            return new RequestParseResult(new RemediationRequest(interfaces ?? [], all, bridge, reason, isDryRun), null);
        }
    }

    private static bool TryBool(JsonElement value, out bool result)
    {
        result = value.ValueKind == JsonValueKind.True;
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False;
    }

    /// <summary>Echoes user input safely in an error: printable ASCII only, at most 40 characters.</summary>
    private static string Printable(string text)
    {
        var clean = new string(text.Take(40).Select(c => c is >= ' ' and < '\x7f' && c != '"' && c != '\\' ? c : '?').ToArray());
        return text.Length > 40 ? clean + "…" : clean;
    }
}

/// <summary>A parsed request, or the reason it was rejected (answered 400, nothing changed).</summary>
public sealed record RequestParseResult(RemediationRequest? Request, string? Error)
{
    public static RequestParseResult Fail(string error) => new(null, error);
}

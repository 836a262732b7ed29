using System.Text.Json;

namespace VethExporter.Cni;

/// <summary>
/// Reads the parts of a CNI result that tie an attachment to kernel objects: <c>interfaces</c> (name, mac,
/// sandbox) and <c>ips</c> (address, gateway, interface index), spec 0.3.0 and later. A 0.1/0.2 result
/// (<c>ip4</c>/<c>ip6</c> objects, no interfaces) gives its addresses without an interface.
/// </summary>
public static class CniResultParser
{
    public static bool TryParse(JsonElement result, out CniResult parsed, out string? error)
    {
        parsed = CniResult.Empty;
        if (result.ValueKind != JsonValueKind.Object)
        {
            error = $"it is {CniJson.Describe(result)}, not an object";
            return false;
        }
        var interfaces = new List<CniResultInterface>();
        var ips = new List<CniResultIp>();
        error = null;

        if (result.TryGetProperty("interfaces", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                error = $"\"interfaces\" is {CniJson.Describe(list)}, not an array";
                return false;
            }
            int i = 0;
            foreach (var element in list.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object
                    || !CniJson.TryRequiredString(element, "name", out string name, out error)
                    || !CniJson.TryOptionalString(element, "mac", out string? mac, out error)
                    || !CniJson.TryOptionalString(element, "sandbox", out string? sandbox, out error))
                {
                    error = $"interfaces[{i}]: {error ?? $"it is {CniJson.Describe(element)}, not an object"}";
                    return false;
                }
                interfaces.Add(new CniResultInterface(name, mac, sandbox));
                i++;
            }
        }

        if (result.TryGetProperty("ips", out list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                error = $"\"ips\" is {CniJson.Describe(list)}, not an array";
                return false;
            }
            int i = 0;
            foreach (var element in list.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object
                    || !CniJson.TryRequiredString(element, "address", out string address, out error)
                    || !CniJson.TryOptionalString(element, "gateway", out string? gateway, out error)
                    || !TryInterfaceIndex(element, interfaces.Count, out int? index, out error))
                {
                    error = $"ips[{i}]: {error ?? $"it is {CniJson.Describe(element)}, not an object"}";
                    return false;
                }
                ips.Add(new CniResultIp(address, gateway, index));
                i++;
            }
        }

        // Spec 0.1.0/0.2.0: "ip4": {"ip": "10.1.0.5/16", "gateway": …}, the same for "ip6".
        foreach (string legacy in (ReadOnlySpan<string>)["ip4", "ip6"])
        {
            if (!result.TryGetProperty(legacy, out var element) || element.ValueKind == JsonValueKind.Null) continue;
            if (element.ValueKind != JsonValueKind.Object
                || !CniJson.TryRequiredString(element, "ip", out string address, out error)
                || !CniJson.TryOptionalString(element, "gateway", out string? gateway, out error))
            {
                error = $"{legacy}: {error ?? $"it is {CniJson.Describe(element)}, not an object"}";
                return false;
            }
            ips.Add(new CniResultIp(address, gateway, null));
        }

        parsed = new CniResult(interfaces, ips);
        return true;
    }

    private static bool TryInterfaceIndex(JsonElement ip, int interfaces, out int? index, out string? error)
    {
        index = null;
        error = null;
        if (!ip.TryGetProperty("interface", out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int value) || value < 0 || value >= interfaces)
        {
            error = $"\"interface\" is not an index into the {interfaces} interfaces";
            return false;
        }
        index = value;
        return true;
    }
}

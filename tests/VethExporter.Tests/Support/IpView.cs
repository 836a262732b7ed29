using System.Globalization;
using System.Text.RegularExpressions;

namespace VethExporter.Tests.Support;

/// <summary>
/// Reads iproute2's own view of the captured namespace (Fixtures/netlink/ip-view.txt), so fixture tests
/// compare our parser with what `ip` and `tc` printed for the very same kernel state.
/// </summary>
internal static partial class IpView
{
    private static readonly string Text = Fixture.Text("netlink/ip-view.txt");

    public static string MacOf(string name)
    {
        var match = Regex.Match(Text, $@"^\d+: {Regex.Escape(name)}[@:][^\n]*\n\s+link/\w+ (?<mac>[0-9a-f:]+)", RegexOptions.Multiline);
        return match.Success ? match.Groups["mac"].Value : throw new InvalidOperationException($"{name} is not in ip-view.txt");
    }

    /// <summary>The handle tc printed for a qdisc kind on a device, as the 32-bit value (major:minor).</summary>
    public static uint QdiscHandle(string kind, string device)
    {
        var match = Regex.Match(Text, $@"^qdisc {kind} (?<major>[0-9a-f]+): dev {Regex.Escape(device)} ", RegexOptions.Multiline);
        return match.Success
            ? uint.Parse(match.Groups["major"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 16
            : throw new InvalidOperationException($"no {kind} qdisc on {device} in ip-view.txt");
    }
}

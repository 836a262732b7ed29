using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace VethExporter.Alertmanager;

/// <summary>
/// Decides whether an alert's <c>instance</c> label (host:port, as Prometheus sets it) names this
/// exporter: the host must be one of our names or addresses and the port, if any, one we listen on; or
/// the label is exactly one of the operator's <c>--remediation.instance</c> values. In a fleet every node
/// sees every node's alerts; each acts on its own only. An alert without an instance names nobody.
/// </summary>
public sealed class InstanceMatcher(IReadOnlySet<string> hosts, IReadOnlySet<int> ports, IReadOnlySet<string>? exact = null)
{
    private readonly IReadOnlySet<string> _exact = exact ?? new HashSet<string>();

    public static InstanceMatcher ForThisHost(IEnumerable<int> ports, IEnumerable<string> exact)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", Environment.MachineName, Dns.GetHostName() };
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var address in nic.GetIPProperties().UnicastAddresses)
                    hosts.Add(address.Address.ToString());
        }
        catch (NetworkInformationException)
        {
            // Names alone then.
        }
        hosts.Add("127.0.0.1");
        hosts.Add("::1");
        return new InstanceMatcher(hosts, ports.ToHashSet(), exact.ToHashSet(StringComparer.Ordinal));
    }

    public bool Matches(string? instance)
    {
        if (string.IsNullOrEmpty(instance)) return false;
        if (_exact.Contains(instance)) return true;
        string host = instance;
        int? port = null;
        int colon = instance.LastIndexOf(':');
        if (colon > 0 && instance.IndexOf(':') == colon || instance.StartsWith('[') && colon > instance.IndexOf(']'))
        {
            if (int.TryParse(instance.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int p)) port = p;
            host = instance[..colon];
        }
        host = host.Trim('[', ']');
        return hosts.Contains(host) && (port is null || ports.Count == 0 || ports.Contains(port.Value));
    }
}

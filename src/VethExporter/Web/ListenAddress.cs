using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using VethExporter.Common;

namespace VethExporter.Web;

/// <summary>Parses listen addresses the way exporters write them: ":9814", "127.0.0.1:9814", "[::1]:9814", "localhost:9814".</summary>
public static class ListenAddress
{
    public static void Apply(KestrelServerOptions kestrel, string address, Action<ListenOptions> configure, string flag = "web.listen-address")
    {
        int colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new UsageException($"--{flag} \"{address}\": expected [host]:port");
        string host = address[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (host == "localhost")
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            kestrel.Listen(ip, port, configure);
        }
        else
        {
            throw new UsageException($"--{flag} \"{address}\": \"{host}\" is not an IP address or localhost");
        }
    }
}

using System.Globalization;

namespace VethExporter.HostInventory;

/// <summary>Our effective capabilities, from /proc/self/status (CapEff).</summary>
internal static class OwnCapabilities
{
    public const int CapSysPtrace = 19;

    public static bool Has(int capability)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("CapEff:", StringComparison.Ordinal)) continue;
                ulong mask = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (mask & (1UL << capability)) != 0;
            }
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException)
        {
            // Unknown: treat as missing, the caller reports the blind spot.
        }
        return false;
    }
}

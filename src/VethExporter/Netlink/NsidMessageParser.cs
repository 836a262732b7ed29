using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Parses the payload of an RTM_NEWNSID reply (struct rtgenmsg + NETNSA_* attributes).</summary>
internal static class NsidMessageParser
{
    /// <summary>Reads NETNSA_NSID; -1 (NETNSA_NSID_NOT_ASSIGNED) when the scanned namespace has no id for it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out int nsid, out string? error)
    {
        nsid = NsidNotAssigned;
        if (payload.Length < RtGenMsgLength)
        {
            error = $"RTM_NEWNSID payload of {payload.Length} bytes is shorter than rtgenmsg";
            return false;
        }

        bool found = false;
        var attributes = new AttributeReader(payload[RtGenMsgLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == NetnsaNsid && AttributeValue.TryS32(value, out int id))
            {
                nsid = id;
                found = true;
            }
        }
        if (attributes.Error is not null)
        {
            error = $"RTM_NEWNSID: {attributes.Error}";
            return false;
        }
        error = found ? null : "RTM_NEWNSID reply carries no NETNSA_NSID";
        return found;
    }
}

/// <summary>The reply to RTM_GETNSID: the id (-1 when none is assigned) or the errno of a refusal.</summary>
internal readonly record struct NsidAnswer(int Nsid, int Errno)
{
    public bool Succeeded => Errno == 0;
}

using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>What RTNLGRP_NSID said since it was last read: ids assigned or removed, or that messages were lost.</summary>
/// <param name="Overflowed">The kernel dropped notifications (or one could not be read): nothing cached can be trusted.</param>
public sealed record NsidChanges(bool Overflowed, IReadOnlySet<int> Ids)
{
    public static readonly NsidChanges None = new(false, new HashSet<int>());

    public bool Any => Overflowed || Ids.Count > 0;

    /// <summary>Adds the ids of the RTM_NEWNSID / RTM_DELNSID messages in one datagram; false if it is malformed.</summary>
    public static bool TryCollect(ReadOnlySpan<byte> datagram, HashSet<int> ids)
    {
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var message))
        {
            if (message.Type is not (RtmNewNsid or RtmDelNsid)) continue;
            if (!NsidMessageParser.TryParse(message.Payload, out int nsid, out _)) return false;
            ids.Add(nsid);
        }
        return reader.Error is null;
    }
}

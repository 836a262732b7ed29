using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>
/// Parses the payload of an RTM_NEWTFILTER message (struct tcmsg + TCA_* attributes), down to the mirred
/// actions of the classifiers that carry actions (u32, matchall, flower, bpf, basic). Other classifiers
/// and actions are kept by kind only.
/// </summary>
internal static class FilterMessageParser
{
    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out FilterRecord? filter, out string? error)
    {
        filter = null;
        if (payload.Length < TcMsgLength)
        {
            error = $"RTM_NEWTFILTER payload of {payload.Length} bytes is shorter than tcmsg";
            return false;
        }

        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        string kind = "";
        ReadOnlySpan<byte> options = default;

        var attributes = new AttributeReader(payload[TcMsgLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == TcaKind) kind = AttributeValue.String(value);
            else if (type == TcaOptions) options = value;
        }
        if (attributes.Error is not null)
        {
            error = $"filter on link {index}: {attributes.Error}";
            return false;
        }

        var mirred = new List<MirredAction>();
        if (ActionsAttribute(kind) is ushort actionsType && !options.IsEmpty
            && !TryReadActions(options, actionsType, mirred, out error))
        {
            error = $"{kind} filter on link {index}: {error}";
            return false;
        }

        filter = new FilterRecord(index, parent, handle, kind, mirred);
        error = null;
        return true;
    }

    private static ushort? ActionsAttribute(string kind) => kind switch
    {
        "u32" => TcaU32Act,
        "matchall" => TcaMatchallAct,
        "flower" => TcaFlowerAct,
        "basic" => TcaBasicAct,
        "bpf" => TcaBpfAct,
        _ => null,
    };

    /// <summary>The classifier's options hold one nested attribute of actions, each action nested under its order number.</summary>
    private static bool TryReadActions(ReadOnlySpan<byte> options, ushort actionsType, List<MirredAction> mirred, out string? error)
    {
        var attributes = new AttributeReader(options);
        while (attributes.TryRead(out ushort type, out var actions))
        {
            if (type != actionsType) continue;
            var list = new AttributeReader(actions);
            while (list.TryRead(out _, out var action))
            {
                if (!TryReadAction(action, mirred, out error)) return false;
            }
            if (list.Error is not null)
            {
                error = $"actions: {list.Error}";
                return false;
            }
        }
        error = attributes.Error is null ? null : $"options: {attributes.Error}";
        return error is null;
    }

    private static bool TryReadAction(ReadOnlySpan<byte> action, List<MirredAction> mirred, out string? error)
    {
        string kind = "";
        ReadOnlySpan<byte> options = default;
        var attributes = new AttributeReader(action);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == TcaActKind) kind = AttributeValue.String(value);
            else if (type == TcaActOptions) options = value;
        }
        if (attributes.Error is not null)
        {
            error = $"action: {attributes.Error}";
            return false;
        }
        error = null;
        if (kind != "mirred") return true;

        var parameters = new AttributeReader(options);
        while (parameters.TryRead(out ushort type, out var value))
        {
            if (type != TcaMirredParms) continue;
            if (value.Length < TcMirredLength)
            {
                error = $"mirred parameters of {value.Length} bytes are shorter than tc_mirred";
                return false;
            }
            mirred.Add(new MirredAction(
                ActionIndex: BinaryPrimitives.ReadUInt32LittleEndian(value),
                Action: BinaryPrimitives.ReadInt32LittleEndian(value[8..]),
                Eaction: BinaryPrimitives.ReadInt32LittleEndian(value[20..]),
                TargetIndex: BinaryPrimitives.ReadInt32LittleEndian(value[24..])));
            return true;
        }
        error = parameters.Error is null ? "mirred action without TCA_MIRRED_PARMS" : $"mirred: {parameters.Error}";
        return false;
    }
}

/// <summary>One tc filter (RTM_NEWTFILTER) on a link, with the mirred actions it carries.</summary>
/// <param name="Parent">The qdisc or class it hangs off (ffff:0000 for an ingress qdisc's filters).</param>
/// <param name="Kind">The classifier: u32, matchall, flower, bpf, basic, …</param>
/// <param name="Mirred">Every mirred action in it, in the kernel's order.</param>
public sealed record FilterRecord(int Index, uint Parent, uint Handle, string Kind, IReadOnlyList<MirredAction> Mirred);

/// <summary>
/// A mirred action (struct tc_mirred): sends the packet to <paramref name="TargetIndex"/>.
/// <paramref name="Eaction"/> is TCA_EGRESS_REDIR (1), TCA_EGRESS_MIRROR (2), TCA_INGRESS_REDIR (3) or
/// TCA_INGRESS_MIRROR (4); <paramref name="Action"/> the tc verdict after it (TC_ACT_STOLEN 4, TC_ACT_PIPE 3, …).
/// </summary>
public sealed record MirredAction(uint ActionIndex, int Action, int Eaction, int TargetIndex)
{
    public bool IsRedirect => Eaction is 1 or 3;
}

using System.Buffers.Binary;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Parses one message payload into a record, or says why it cannot.</summary>
internal delegate bool MessageParser<T>(ReadOnlySpan<byte> payload, out T? item, out string? error);

internal enum ReplyStatus
{
    /// <summary>More datagrams belong to this reply.</summary>
    InProgress,

    /// <summary>The reply is complete and every item parsed.</summary>
    Done,

    /// <summary>The dump changed under us (NLM_F_DUMP_INTR): the items are inconsistent, dump again.</summary>
    Interrupted,

    /// <summary>The kernel answered with an error, or a datagram was malformed.</summary>
    Failed,
}

/// <summary>
/// The pure half of a netlink exchange: fed the datagrams the socket received, it keeps the messages of
/// our request (sequence and port checked), parses them, and decides when the reply is complete. All
/// socket work lives in <see cref="RouteNetlinkClient"/>, so this is what fixtures exercise.
/// </summary>
internal sealed class ReplyCollector<T>(uint sequence, uint portId, ushort replyType, MessageParser<T> parse, bool isDump)
{
    public List<T> Items { get; } = [];

    public string? Error { get; private set; }

    /// <summary>The errno the kernel returned in NLMSG_ERROR or NLMSG_DONE, 0 if none.</summary>
    public int KernelErrno { get; private set; }

    private bool _interrupted;

    public ReplyStatus Feed(ReadOnlySpan<byte> datagram)
    {
        var reader = new NetlinkMessageReader(datagram);
        while (reader.TryRead(out var message))
        {
            // A late answer to an earlier, abandoned request, or a message not addressed to us.
            if (message.Sequence != sequence || (portId != 0 && message.PortId != portId)) continue;

            _interrupted |= (message.Flags & NlmFDumpIntr) != 0;
            switch (message.Type)
            {
                case NlmsgNoop:
                    continue;
                case NlmsgError:
                    return OnError(message.Payload);
                case NlmsgDone:
                    return OnDone(message.Payload);
                case NlmsgOverrun:
                    return Fail("netlink reported NLMSG_OVERRUN: messages were lost");
            }

            if (message.Type != replyType) continue;
            if (!parse(message.Payload, out var item, out var error)) return Fail(error ?? "unparsable message");
            Items.Add(item!);
            if (!isDump) return ReplyStatus.Done;
        }
        return reader.Error is null ? ReplyStatus.InProgress : Fail(reader.Error);
    }

    private ReplyStatus OnError(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 4) return Fail("truncated NLMSG_ERROR");
        int code = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (code == 0) return ReplyStatus.Done; // the acknowledgement of a request sent with NLM_F_ACK
        KernelErrno = -code;
        return Fail($"kernel answered {Interop.Errno.Describe(-code)}");
    }

    private ReplyStatus OnDone(ReadOnlySpan<byte> payload)
    {
        if (payload.Length >= 4)
        {
            int code = BinaryPrimitives.ReadInt32LittleEndian(payload);
            if (code < 0)
            {
                KernelErrno = -code;
                return Fail($"dump ended with {Interop.Errno.Describe(-code)}");
            }
        }
        return _interrupted ? ReplyStatus.Interrupted : ReplyStatus.Done;
    }

    private ReplyStatus Fail(string error)
    {
        Error = error;
        return ReplyStatus.Failed;
    }
}

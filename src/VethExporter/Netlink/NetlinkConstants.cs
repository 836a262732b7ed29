namespace VethExporter.Netlink;

/// <summary>
/// Wire constants from linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/net_namespace.h and
/// linux/pkt_sched.h. Kept here, not borrowed from a binding, so the parser depends on nothing but the ABI.
/// </summary>
internal static class NetlinkConstants
{
    public const int HeaderLength = 16;
    public const int AttributeHeaderLength = 4;

    // Message types (netlink.h).
    public const ushort NlmsgNoop = 1;
    public const ushort NlmsgError = 2;
    public const ushort NlmsgDone = 3;
    public const ushort NlmsgOverrun = 4;

    // Flags (netlink.h).
    public const ushort NlmFRequest = 0x1;
    public const ushort NlmFMulti = 0x2;
    public const ushort NlmFAck = 0x4;
    public const ushort NlmFDumpIntr = 0x10;
    public const ushort NlmFDump = 0x300;

    // rtnetlink message types.
    public const ushort RtmNewLink = 16;
    public const ushort RtmDelLink = 17;
    public const ushort RtmGetLink = 18;
    public const ushort RtmSetLink = 19;
    public const ushort RtmNewAddr = 20;
    public const ushort RtmGetAddr = 22;
    public const ushort RtmNewQdisc = 36;
    public const ushort RtmGetQdisc = 38;
    public const ushort RtmNewTFilter = 44;
    public const ushort RtmGetTFilter = 46;
    public const ushort RtmNewNsid = 88;
    public const ushort RtmDelNsid = 89;

    /// <summary>RTNLGRP_NSID: the multicast group told of every namespace id assigned or removed.</summary>
    public const int RtnlGroupNsid = 28;
    public const ushort RtmGetNsid = 90;

    // struct sizes.
    public const int IfInfoMsgLength = 16;
    public const int IfAddrMsgLength = 8;
    public const int TcMsgLength = 20;
    public const int RtGenMsgLength = 4; // one byte, padded to NLMSG_ALIGNTO

    // IFLA_* (if_link.h).
    public const ushort IflaAddress = 1;
    public const ushort IflaIfname = 3;
    public const ushort IflaLink = 5;
    public const ushort IflaMaster = 10;
    public const ushort IflaOperstate = 16;
    public const ushort IflaLinkinfo = 18;
    public const ushort IflaExtMask = 29;
    public const ushort IflaLinkNetnsid = 37;
    public const ushort IflaXdp = 43;
    public const ushort IflaInfoKind = 1;
    public const ushort IflaXdpAttached = 2;
    public const ushort IflaXdpProgId = 4;

    /// <summary>RTEXT_FILTER_SKIP_STATS: a dump without counters is a third of the size.</summary>
    public const uint RtextFilterSkipStats = 1 << 3;

    // IFA_* (if_addr.h).
    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;

    // TCA_* (rtnetlink.h).
    public const ushort TcaKind = 1;
    public const ushort TcaOptions = 2;

    /// <summary>TC_H_INGRESS (ffff:fff1): the parent of an ingress or clsact qdisc, whose filters see what a link receives.</summary>
    public const uint TcHIngress = 0xFFFFFFF1;

    // The attribute each classifier nests its actions in (pkt_cls.h).
    public const ushort TcaU32Act = 7;
    public const ushort TcaMatchallAct = 2;
    public const ushort TcaFlowerAct = 3;
    public const ushort TcaBasicAct = 3;
    public const ushort TcaBpfAct = 1;

    // TCA_ACT_* (act_api / pkt_cls.h) and the mirred action (tc_mirred.h).
    public const ushort TcaActKind = 1;
    public const ushort TcaActOptions = 2;
    public const ushort TcaMirredParms = 2;

    /// <summary>struct tc_mirred: tc_gen (index, capab, action, refcnt, bindcnt), eaction, ifindex.</summary>
    public const int TcMirredLength = 28;

    // NETNSA_* (net_namespace.h).
    public const ushort NetnsaNsid = 1;
    public const ushort NetnsaPid = 2;
    public const ushort NetnsaFd = 3;
    public const int NsidNotAssigned = -1;

    // Attribute type bits that are flags, not part of the type (netlink.h NLA_TYPE_MASK).
    public const ushort NlaTypeMask = 0x3fff;

    public const byte AfUnspec = 0;
    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    public static int Align(int length) => (length + 3) & ~3;
}

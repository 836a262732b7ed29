#!/usr/bin/env python3
"""Dumps the tc filters on one link's ingress (RTM_GETTFILTER, tcm_parent ffff:fff1) and writes the
kernel's reply datagrams, concatenated, as they arrived: the same request VethExporter sends."""
import socket, struct, sys

NETLINK_ROUTE, RTM_GETTFILTER, NLM_F_REQUEST, NLM_F_DUMP, NLMSG_DONE, NLMSG_ERROR = 0, 46, 1, 0x300, 3, 2
name, out = sys.argv[1], sys.argv[2]
index = socket.if_nametoindex(name)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
s.bind((0, 0))
tcmsg = struct.pack("=BxxxiIII", 0, index, 0, 0xFFFFFFF1, 0)
s.send(struct.pack("=IHHII", 16 + len(tcmsg), RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + tcmsg)
data = bytearray()
done = False
while not done:
    d = s.recv(65536)
    data += d
    off = 0
    while off + 16 <= len(d):
        length, kind = struct.unpack_from("=IH", d, off)
        if kind == NLMSG_ERROR:
            sys.exit("netlink error %d" % struct.unpack_from("=i", d, off + 16)[0])
        if kind == NLMSG_DONE:
            done = True
        off += (length + 3) & ~3
open(out, "wb").write(bytes(data))
print("%s: %d bytes of filters on %s (ifindex %d)" % (out, len(data), name, index))

# syntax=docker/dockerfile:1
#
# veth-exporter as one Native AOT binary (no .NET runtime, no JIT, zero trim or
# AOT warnings) on Microsoft's chiseled runtime-deps image: glibc and a few
# libraries, no shell, no package manager. No HEALTHCHECK: orchestrators probe
# GET /healthz and GET /readyz (deploy/daemonset.yaml).
#
#   docker build -t veth-exporter:0.1.0 .                                    # read-only exporter
#   docker build --target remediation -t veth-exporter:0.1.0-remediation .  # + firewall tools, see below
#
# scripts/publish-smoke.sh runs this file's build-stage COPY and dotnet steps
# without Docker and tests the binary they produce (part of scripts/test.sh).
# The build is for linux-x64; on an arm64 builder replace linux-x64 by
# linux-arm64 (Native AOT does not cross-compile between architectures here).
#
# Run it with exactly the privileges it needs:
#
#   docker run -d --name veth-exporter --restart unless-stopped \
#     --network host --pid host --read-only \
#     --cap-drop ALL --cap-add SYS_PTRACE --security-opt no-new-privileges \
#     -v /run:/run:ro,rslave \
#     -v /var/lib/veth-exporter:/var/lib/veth-exporter \
#     veth-exporter:0.1.0
#
# --network host: the veths to scan are in the host's network namespace.
# --pid host and SYS_PTRACE: who holds each namespace is read from every
#   process's /proc/PID/ns, fd and root; without them no orphan verdict holds
#   (veth_exporter_host_view_complete 0). The image runs as root (USER 0) with
#   every other capability dropped.
# /run, read-only with rslave propagation: the netns pins (/run/netns,
#   /run/docker/netns; also those made after the container started) and the
#   runtimes' sockets, which the exporter probes at /run/docker.sock,
#   /run/podman/podman.sock, /run/containerd/containerd.sock and
#   /run/crio/crio.sock (connect() needs no write access). All of /run rather
#   than each socket: -v makes a missing source an empty directory (one at
#   /run/docker.sock keeps dockerd from ever listening there), and a bind of
#   the socket file keeps the dead socket once the runtime restarts; /run is on
#   every host. No second mount below it: that would show each pin twice.
#   Sockets elsewhere: serve --runtime.docker-socket=PATH or
#   --runtime.cri-socket=PATH, with their directory mounted the same way.
# /var/lib/veth-exporter keeps history.
#
# Remediation (POST /api/v1/remediate and the Alertmanager webhook) also needs
#   --cap-add NET_ADMIN -v /etc/veth-exporter/token:/etc/veth-exporter/token:ro
#   and the arguments: serve --remediation.token-file=/etc/veth-exporter/token
# and the remediation image, which has both iptables backends (legacy and nft,
# for iptables, ip6tables and ebtables) and nft: the delete path refuses
# interfaces that firewall rules name, and it can only see those rules through
# these tools. The read-only image has none, so every orphan it reports carries
# the "firewall" blocker: a listing it cannot make is doubt, never "no rules".
# CAP_SYS_ADMIN only for --netns (setns) or --remediation.release-netns
# (unmounting pins, with /run mounted read-write instead).

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
# Native AOT links with clang and needs zlib.
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/VethExporter/VethExporter.csproj src/VethExporter/
RUN dotnet restore src/VethExporter/VethExporter.csproj -r linux-x64 -p:PublishAot=true
COPY src/ src/
RUN dotnet publish src/VethExporter/VethExporter.csproj --no-restore -c Release -r linux-x64 \
      -p:PublishAot=true -p:StripSymbols=true -o /out

# The remediation image: the same binary plus the firewall listing tools.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble AS remediation
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables nftables ebtables \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/veth-exporter /usr/local/bin/veth-exporter
USER 0:0
EXPOSE 9814
ENTRYPOINT ["/usr/local/bin/veth-exporter"]
CMD ["serve"]

# The default image (last stage): read-only monitoring, nothing but the binary.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS runtime
COPY --from=build /out/veth-exporter /usr/local/bin/veth-exporter
USER 0:0
EXPOSE 9814
ENTRYPOINT ["/usr/local/bin/veth-exporter"]
CMD ["serve"]

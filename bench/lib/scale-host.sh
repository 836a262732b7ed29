# Sourced by the benchmark scripts: builds and removes a scale setup in a throw-away fake host namespace.
#
#   scale_host_create LEAKED LIVE   sets HOST and starts the live holders
#   scale_host_teardown             kills the holders, deletes every namespace named after HOST
#
# LEAKED pairs: host end in the fake host (three in four on a bridge), peer in a pinned namespace with no
# process. LIVE pairs: host end on a bridge, peer in a pinned namespace with a sleeping process inside,
# entered with nsenter so it shares our mount namespace (real containers do not get a mount namespace
# per process that repeats every /run/netns pin).

PORTS_PER_BRIDGE=1000 # a Linux bridge takes at most 1023 ports
SCALE_HOLDERS=()
HOST=vxb-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')

scale_host_namespaces() {
    ip netns list | awk -v host="$HOST" '$1 == host || index($1, host "-") == 1 { print $1 }'
}

scale_host_create() {
    local leaked=$1 live=$2 i b port bridged
    {
        echo "netns add $HOST"
        for ((i = 0; i < leaked; i++)); do echo "netns add $HOST-l$i"; done
        for ((i = 0; i < live; i++)); do echo "netns add $HOST-v$i"; done
    } | ip -batch -
    {
        echo "link set lo up"
        bridged=$(((leaked - (leaked + 3) / 4) + live))
        for ((b = 0; b * PORTS_PER_BRIDGE < bridged; b++)); do echo "link add br$b up type bridge"; done
        port=0
        for ((i = 0; i < leaked; i++)); do
            if ((i % 4 == 0)); then
                echo "link add lk$i up type veth peer name eth0 netns $HOST-l$i"
            else
                echo "link add lk$i master br$((port++ / PORTS_PER_BRIDGE)) up type veth peer name eth0 netns $HOST-l$i"
            fi
        done
        for ((i = 0; i < live; i++)); do
            echo "link add lv$i master br$((port++ / PORTS_PER_BRIDGE)) up type veth peer name eth0 netns $HOST-v$i"
        done
    } | ip -n "$HOST" -batch -
    {
        for ((i = 0; i < leaked; i++)); do echo "$HOST-l$i"; done
        for ((i = 0; i < live; i++)); do echo "$HOST-v$i"; done
    } | xargs -r -P "$(nproc)" -I NS ip -n NS link set eth0 up
    for ((i = 0; i < live; i++)); do
        nsenter --net="/run/netns/$HOST-v$i" sleep infinity </dev/null >/dev/null 2>&1 &
        SCALE_HOLDERS+=($!)
    done
}

scale_host_teardown() {
    if ((${#SCALE_HOLDERS[@]} > 0)); then
        kill "${SCALE_HOLDERS[@]}" 2>/dev/null || true
        wait "${SCALE_HOLDERS[@]}" 2>/dev/null || true
        SCALE_HOLDERS=()
    fi
    scale_host_namespaces | sed 's/^/netns del /' | ip -force -batch - 2>/dev/null || true
    local left
    left=$(scale_host_namespaces | wc -l)
    if ((left > 0)); then
        echo "$left namespaces named $HOST* are left behind" >&2
        return 1
    fi
}

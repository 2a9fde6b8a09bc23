#!/usr/bin/python3
"""kovn's link helper: one long-lived process per node agent (and one in the lab daemon, for its kubelets) that
reads and changes links, addresses, routes and transmit checksum offload in any network namespace through netlink
(pyroute2, Debian's python3-pyroute2), creates and deletes network namespaces as `ip netns add/delete` do, checks
that a pod's gateway answers (ICMP echo), announces a pod's addresses (gratuitous ARP), and runs a program to
completion inside a namespace (a CNI plugin, as a runtime in the node's namespace would), so that plumbing a pod
starts no process of its own and no `ip` (ADR 34, ADR 35). The caller (link-helper.ts) writes one JSON request per
line on stdin and reads one JSON answer per line on stdout, {"id", "ok", "result"} or {"id", "ok": false, "error"};
requests run concurrently, each on a worker thread that enters the namespaces it names (setns and unshare are per
thread) and returns to its own after. The process ends when its stdin closes (the caller is gone). Namespaces are
`ip netns` names (/var/run/netns/NAME) or null: the helper's own, which is the caller's.
"""
import ctypes
import errno
import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from pyroute2 import IPRoute
from pyroute2.ethtool import Ethtool
from pyroute2.netlink.exceptions import NetlinkError

NETNS_DIR = "/var/run/netns"
CLONE_NEWNET = 0x40000000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_SHARED = 0x100000
MNT_DETACH = 0x2
IFF_UP = 0x1
IFA_F_NODAD = 0x02
RT_TABLE_MAIN = 254
RTPROT_KERNEL = 2
RT_SCOPE_UNIVERSE = 0
IN6_ADDR_GEN_MODE_NONE = 1
# IFLA_AF_SPEC / AF_INET6: no IPv6 address generation on the link (no link-local address and the routes that come
# with it; addresses set explicitly still work), as `ip link set addrgenmode none`.
NO_IPV6_ADDR_GEN = {"attrs": [["AF_INET6", {"attrs": [["IFLA_INET6_ADDR_GEN_MODE", IN6_ADDR_GEN_MODE_NONE]]}]]}
TX_CHECKSUM = ("tx-checksum-ipv4", "tx-checksum-ip-generic", "tx-checksum-ipv6")
# Enough for every ADD a kubelet runs at once on a node (each waits for its gateway) plus reads; in the lab daemon,
# for both kubelets' plugin runs at once (16 workers each, each run waiting on its node agent) plus namespaces.
WORKERS = 64

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class InNetns:
    """This thread inside namespace `name` (None: stays in its own) until the block ends."""

    def __init__(self, name):
        self.name = name
        self.home = None

    def __enter__(self):
        if self.name is None:
            return self
        try:
            target = os.open(os.path.join(NETNS_DIR, self.name), os.O_RDONLY)
        except OSError as e:
            raise OSError(e.errno, f"cannot enter network namespace {self.name}: {e.strerror}") from None
        try:
            self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
            _setns(target)
        except OSError as e:
            if self.home is not None:
                os.close(self.home)
                self.home = None
            raise OSError(e.errno, f"cannot enter network namespace {self.name}: {e.strerror}") from None
        finally:
            os.close(target)
        return self

    def __exit__(self, *exc):
        if self.home is None:
            return False
        try:
            _setns(self.home)
        except OSError:
            # A worker left in a pod's namespace would plumb the next request in the wrong place: stop at once;
            # the agent restarts the helper.
            os._exit(70)
        finally:
            os.close(self.home)
        return False


def _libc_check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


_netns_dir_lock = threading.Lock()
_netns_dir_shared = False


def _share_netns_dir():
    """/var/run/netns made a shared mount point (bound onto itself first if it is none), as `ip netns add` leaves it,
    so the namespaces bound under it appear in every mount namespace."""
    global _netns_dir_shared
    with _netns_dir_lock:
        if _netns_dir_shared:
            return
        os.makedirs(NETNS_DIR, mode=0o755, exist_ok=True)
        where = NETNS_DIR.encode()
        if _libc.mount(b"none", where, None, MS_SHARED | MS_REC, None) != 0:
            if ctypes.get_errno() != errno.EINVAL:
                _libc_check(-1, f"mount --make-rshared {NETNS_DIR}")
            _libc_check(_libc.mount(where, where, None, MS_BIND | MS_REC, None), f"mount --rbind {NETNS_DIR}")
            shared = _libc.mount(b"none", where, None, MS_SHARED | MS_REC, None)
            _libc_check(shared, f"mount --make-rshared {NETNS_DIR}")
        _netns_dir_shared = True


def _netns_add(name):
    """A new network namespace bound at /var/run/netns/NAME (kept as it is when that exists): this thread unshares
    its network namespace, binds it there, and returns to its own."""
    path = os.path.join(NETNS_DIR, name)
    if os.path.exists(path):
        return
    _share_netns_dir()
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        unshared = _libc.unshare(CLONE_NEWNET) == 0
        try:
            _libc_check(0 if unshared else -1, "unshare(CLONE_NEWNET)")
            _libc_check(_libc.mount(b"/proc/thread-self/ns/net", path.encode(), None, MS_BIND, None), f"bind {path}")
        finally:
            if unshared:
                try:
                    _setns(home)
                except OSError:
                    os._exit(70)  # as in InNetns: never serve the next request from a pod's namespace
    except OSError:
        os.unlink(path)
        raise
    finally:
        os.close(home)


def _netns_del(name):
    """The namespace's mount point unmounted (lazily) and removed; nothing to do when it is gone."""
    path = os.path.join(NETNS_DIR, name)
    if not os.path.lexists(path):
        return
    if _libc.umount2(path.encode(), MNT_DETACH) != 0 and ctypes.get_errno() != errno.EINVAL:
        _libc_check(-1, f"umount {path}")
    os.unlink(path)


def _index(ipr, ifname):
    found = ipr.link_lookup(ifname=ifname)
    if not found:
        raise LookupError(f"{ifname} does not exist")
    return found[0]


def _tx_checksum(ifname):
    try:
        eth = Ethtool()
        try:
            features = eth.get_features(ifname).features
        finally:
            eth.close()
    except Exception:  # noqa: BLE001 - unknown is an answer, as ethtool without the ioctl
        return None
    known = [features[k].enable for k in TX_CHECKSUM if k in features]
    return any(known) if known else None


def read_link(req):
    """The link's state as nic-state.ts's LinkState, or None when it does not exist."""
    with InNetns(req.get("netns")), IPRoute() as ipr:
        found = ipr.link_lookup(ifname=req["ifname"])
        if not found:
            return None
        link = ipr.get_links(found[0])[0]
        peer_index = link.get_attr("IFLA_LINK")
        peer_name = None
        if peer_index is not None and link.get_attr("IFLA_LINK_NETNSID") is None:
            peers = ipr.get_links(peer_index)
            peer_name = peers[0].get_attr("IFLA_IFNAME") if peers else None
        addrs = [
            f"{a.get_attr('IFA_ADDRESS')}/{a['prefixlen']}"
            for a in ipr.get_addr(index=found[0])
            if a["scope"] == RT_SCOPE_UNIVERSE
        ]
        return {
            "name": link.get_attr("IFLA_IFNAME"),
            "ifindex": link["index"],
            "peerName": peer_name,
            "peerIndex": peer_index,
            "kind": link.get_nested("IFLA_LINKINFO", "IFLA_INFO_KIND"),
            "mac": link.get_attr("IFLA_ADDRESS"),
            "mtu": link.get_attr("IFLA_MTU"),
            "up": bool(link["flags"] & IFF_UP),
            "addrs": addrs,
            "txChecksum": _tx_checksum(req["ifname"]),
        }


def read_routes(req):
    """The main table's non-kernel routes out of the link, as {dst: CIDR, gw}; [] when the link does not exist."""
    with InNetns(req.get("netns")), IPRoute() as ipr:
        found = ipr.link_lookup(ifname=req["ifname"])
        if not found:
            return []
        out = []
        for family, zero in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            for r in ipr.get_routes(family=family, oif=found[0], table=RT_TABLE_MAIN):
                if r["proto"] == RTPROT_KERNEL or r.get_attr("RTA_TABLE", r["table"]) != RT_TABLE_MAIN:
                    continue
                dst = r.get_attr("RTA_DST") or zero
                out.append({"dst": f"{dst}/{r['dst_len']}", "gw": r.get_attr("RTA_GATEWAY")})
        return out


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def _step(ipr, step):
    kind = step["op"]
    if kind == "veth":
        peer = {"ifname": step["peer"]}
        if step.get("peerFd") is not None:
            peer["net_ns_fd"] = step["peerFd"]
        ipr.link("add", ifname=step["name"], kind="veth", peer=peer)
        if step.get("noIpv6LinkLocal"):
            # Before the link first goes up, when the kernel would add the address; the kernel takes this only on
            # an existing link (on RTM_NEWLINK it answers EAFNOSUPPORT), so right after the add, on this socket.
            ipr.link("set", index=_index(ipr, step["name"]), IFLA_AF_SPEC=NO_IPV6_ADDR_GEN)
    elif kind == "set":
        index = _index(ipr, step["name"])
        if step.get("mac") is not None:
            ipr.link("set", index=index, state="down")
            ipr.link("set", index=index, address=step["mac"])
        if step.get("mtu") is not None:
            ipr.link("set", index=index, mtu=step["mtu"])
        if step.get("up"):
            ipr.link("set", index=index, state="up")
    elif kind in ("addr-add", "addr-del"):
        index = _index(ipr, step["name"])
        ip, prefix = step["addr"].split("/")
        extra = {"flags": IFA_F_NODAD} if kind == "addr-add" and ":" in ip else {}
        ipr.addr("add" if kind == "addr-add" else "del", index=index, address=ip, prefixlen=int(prefix), **extra)
    elif kind in ("route-replace", "route-del"):
        index = _index(ipr, step["name"])
        route = {"dst": step["dst"], "oif": index, "family": _family(step["dst"]), "table": RT_TABLE_MAIN}
        if step.get("gw"):
            route["gateway"] = step["gw"]
        ipr.route("replace" if kind == "route-replace" else "del", **route)
    elif kind == "link-del":
        found = ipr.link_lookup(ifname=step["name"])
        if found:
            ipr.link("del", index=found[0])
        elif not step.get("ifExists"):
            raise LookupError(f"{step['name']} does not exist")
    elif kind == "tx-off":
        eth = Ethtool()
        try:
            wanted = eth.get_features(step["name"])
            for name, feature in wanted.features.items():
                if name.startswith("tx-checksum-"):
                    feature.enable = False
            eth.set_features(step["name"], wanted)
        finally:
            eth.close()
    else:
        raise ValueError(f"unknown step {kind!r}")


def _describe(step):
    if step["op"] in ("netns-add", "netns-del"):
        return f"{step['op']} {step['name']}"
    where = step.get("netns") or "the agent's namespace"
    detail = " ".join(f"{k}={v}" for k, v in step.items() if k not in ("op", "netns", "peerFd", "peerNetns"))
    return f"{step['op']} {detail} in {where}"


def apply(req):
    """Runs the steps in order, each in its own namespace; the first that fails ends the request with its reason."""
    for step in req["steps"]:
        peer_fd = None
        try:
            if step["op"] in ("netns-add", "netns-del"):
                (_netns_add if step["op"] == "netns-add" else _netns_del)(step["name"])
                continue
            if step["op"] == "veth":
                # The peer's namespace is opened before entering the first one: null names the helper's own.
                peer = step.get("peerNetns", step.get("netns"))
                if peer != step.get("netns"):
                    path = "/proc/self/ns/net" if peer is None else os.path.join(NETNS_DIR, peer)
                    peer_fd = os.open(path, os.O_RDONLY)
                    step = {**step, "peerFd": peer_fd}
            with InNetns(step.get("netns")), IPRoute() as ipr:
                _step(ipr, step)
        except NetlinkError as e:
            raise RuntimeError(f"{_describe(step)}: {os.strerror(e.code)}") from None
        except (OSError, LookupError, ValueError) as e:
            raise RuntimeError(f"{_describe(step)}: {e}") from None
        finally:
            if peer_fd is not None:
                os.close(peer_fd)
    return len(req["steps"])


def _checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _gateway_answers(ifname, gateway, deadline):
    """ICMP echo to the gateway out of `ifname` every 100 ms until it answers or the deadline passes."""
    ident = (os.getpid() ^ threading.get_ident()) & 0xFFFF
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
        seq = 0
        while time.monotonic() < deadline:
            seq = (seq + 1) & 0xFFFF
            header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            packet = struct.pack("!BBHHH", 8, 0, _checksum(header + b"kovn"), ident, seq) + b"kovn"
            try:
                s.sendto(packet, (gateway, 0))
            except OSError as e:
                if e.errno not in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENOBUFS, errno.EAGAIN):
                    raise
            until = min(deadline, time.monotonic() + 0.1)
            while (left := until - time.monotonic()) > 0:
                ready, _, _ = select.select([s], [], [], left)
                if not ready:
                    break
                data, (source, _) = s.recvfrom(2048)
                icmp = data[(data[0] & 0x0F) * 4 :]
                if source == gateway and len(icmp) >= 8:
                    kind, _, _, got_ident, _ = struct.unpack("!BBHHH", icmp[:8])
                    if kind == 0 and got_ident == ident:
                        return True
    return False


def _garp(ifname, addr):
    """One unsolicited ARP request (sender = target = addr), as `arping -U` sends it."""
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806)) as s:
        s.bind((ifname, 0x0806))
        mac = s.getsockname()[4][:6]
        ip = socket.inet_aton(addr)
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, ip, b"\0" * 6, ip)
        s.send(b"\xff" * 6 + mac + struct.pack("!H", 0x0806) + arp)


def announce(req):
    """After a plug: wait (bounded) for the IPv4 gateway to answer, then announce each IPv4 address once."""
    reached = False
    with InNetns(req.get("netns")):
        if req.get("gateway"):
            deadline = time.monotonic() + req.get("timeoutMs", 20000) / 1000
            reached = _gateway_answers(req["ifname"], req["gateway"], deadline)
        for addr in req.get("addrs", []):
            try:
                _garp(req["ifname"], addr)
            except OSError:
                pass  # best effort, as before: a missed announcement only delays neighbours' cache updates
    return {"reached": reached}


def run(req):
    """Runs `argv` to completion inside the namespace (started from this thread, so it is born there; no `ip netns
    exec`): its stdin `input`, its environment this process's with `env` over it (or `env` alone), killed after
    `timeoutMs`. Answers its exit code (128 + signal when killed), stdout and stderr, or timedOut."""
    argv = req["argv"]
    env = {**os.environ, **req.get("env", {})} if req.get("inheritEnv", True) else dict(req.get("env", {}))
    try:
        with InNetns(req.get("netns")):
            child = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=req.get("cwd"),
            )
    except OSError as e:
        raise RuntimeError(f"cannot run {argv[0]}: {e.strerror}") from None
    try:
        out, err = child.communicate(req.get("input", "").encode(), timeout=req["timeoutMs"] / 1000)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return {"timedOut": True}
    code = child.returncode if child.returncode >= 0 else 128 - child.returncode
    return {"code": code, "stdout": out.decode("utf-8", "replace"), "stderr": err.decode("utf-8", "replace")}


OPS = {"link": read_link, "routes": read_routes, "apply": apply, "announce": announce, "run": run}
_out = threading.Lock()


def _answer(message):
    line = json.dumps(message, separators=(",", ":")) + "\n"
    with _out:
        sys.stdout.write(line)
        sys.stdout.flush()


def _serve(req):
    try:
        op = OPS.get(req.get("op"))
        if op is None:
            raise RuntimeError(f"unknown op {req.get('op')!r}")
        _answer({"id": req["id"], "ok": True, "result": op(req)})
    except Exception as e:  # noqa: BLE001 - every failure is an answer naming its reason
        _answer({"id": req.get("id"), "ok": False, "error": str(e) or type(e).__name__})


def main():
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="link") as pool:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                _answer({"id": None, "ok": False, "error": f"unreadable request: {e}"})
                continue
            pool.submit(_serve, req)
    # stdin closed: the agent is gone; pending requests finish (each is bounded), then the process ends.


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""
The measurement behind ADR 37 (NAT gateway HA): can an established SNAT or DNAT'ed TCP flow survive the death of the
gateway instance carrying it when the instances synchronise conntrack with Debian's conntrackd (FTFW over a
dedicated link)? Everything runs in network namespaces this script creates (names `hax<pid>-*`) and removes again;
traffic stays between them. Run as root: `python3 bench/natgw-ha/conntrackd-failover.py` (needs iproute2,
iptables, conntrack, conntrackd, arping).

Topology: `c` (a VPC pod, 10.77.1.10) -- `r` (the VPC router, 10.77.1.1 / 10.77.2.1 on a LAN bridge) -- gateway
instances `a` (eth0 10.77.2.11) and `b` (10.77.2.12), each with `net1` on the upstream bridge in `u` (198.18.0.1,
the upstream host) and `sync0` on a point-to-point link between them (10.77.9.0/30). Both instances hold the same
rules: SNAT 10.77.1.0/24 -> EIP 198.18.0.100 out of net1, DNAT EIP:8080 -> 10.77.1.10:80.

Cases, each with a fresh topology:
  none      no state sync (the control: Kube-OVN today)
  commit    FTFW with conntrackd's external cache; on failover the survivor commits it (`conntrackd -c`)
  direct    FTFW with `DisableExternalCache on`: entries go straight into the peer's kernel table
  asym      direct, and the path is asymmetric from the start: the router sends to `a`, the EIP lives on `b`
Each runs an echo flow every 10 ms egress (c -> u:5001 via SNAT) and ingress (u -> EIP:8080 DNAT'ed to c:80), kills
instance `a` (its conntrackd by pid, then its namespace) and fails over at once (the router's route to `b`, the EIP on
`b` with a gratuitous ARP): the detection time (BFD's) is not part of these figures. Printed: sync latency (NEW event
on `a` to NEW event on `b`), per flow whether it survived and the longest gap between two echoes.
"""
import os
import socket
import subprocess
import sys
import threading
import time

P = f"hax{os.getpid()}"
NS = {n: f"{P}-{n}" for n in ("c", "r", "a", "b", "u")}
EIP = "198.18.0.100"
WORK = f"/tmp/{P}"
started: list[subprocess.Popen] = []


def sh(cmd: str, check: bool = True) -> str:
    res = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    if check and res.returncode != 0:
        raise RuntimeError(f"{cmd}: {res.stderr.strip()}")
    return res.stdout


def nx(ns: str, cmd: str, check: bool = True) -> str:
    return sh(f"ip netns exec {NS[ns]} {cmd}", check)


def veth(a: str, ai: str, b: str, bi: str) -> None:
    sh(f"ip link add {ai} netns {NS[a]} type veth peer name {bi} netns {NS[b]}")
    nx(a, f"ip link set {ai} up")
    nx(b, f"ip link set {bi} up")


def topology() -> None:
    for ns in NS.values():
        sh(f"ip netns add {ns}")
    for n in NS:
        nx(n, "ip link set lo up")
    veth("c", "eth0", "r", "r0")
    nx("c", "ip addr add 10.77.1.10/24 dev eth0")
    nx("c", "ip route add default via 10.77.1.1")
    nx("r", "ip addr add 10.77.1.1/24 dev r0")
    nx("r", "ip link add brl type bridge")
    nx("r", "ip link set brl up")
    nx("r", "ip addr add 10.77.2.1/24 dev brl")
    nx("u", "ip link add bru type bridge")
    nx("u", "ip link set bru up")
    nx("u", "ip addr add 198.18.0.1/24 dev bru")
    for gw, last in (("a", 11), ("b", 12)):
        veth(gw, "eth0", "r", f"l{gw}")
        nx("r", f"ip link set l{gw} master brl")
        veth(gw, "net1", "u", f"u{gw}")
        nx("u", f"ip link set u{gw} master bru")
        nx(gw, f"ip addr add 10.77.2.{last}/24 dev eth0")
        nx(gw, f"ip addr add 198.18.0.{last}/24 dev net1")
        nx(gw, "ip route add default via 198.18.0.1")
        nx(gw, "ip route add 10.77.1.0/24 via 10.77.2.1")
        nx(gw, "sysctl -qw net.ipv4.ip_forward=1")
        nx(gw, "sysctl -qw net.netfilter.nf_conntrack_tcp_be_liberal=1")
        rules = (
            "*nat\n"
            f"-A PREROUTING -d {EIP}/32 -p tcp --dport 8080 -j DNAT --to-destination 10.77.1.10:80\n"
            f"-A POSTROUTING -s 10.77.1.0/24 -o net1 -j SNAT --to-source {EIP}\n"
            "COMMIT\n"
        )
        subprocess.run(["ip", "netns", "exec", NS[gw], "iptables-restore"], input=rules, text=True, check=True)
    veth("a", "sync0", "b", "sync0")
    nx("a", "ip addr add 10.77.9.1/30 dev sync0")
    nx("b", "ip addr add 10.77.9.2/30 dev sync0")
    nx("r", "sysctl -qw net.ipv4.ip_forward=1")


def conntrackd_conf(gw: str, direct: bool) -> str:
    me, peer = ("10.77.9.1", "10.77.9.2") if gw == "a" else ("10.77.9.2", "10.77.9.1")
    return f"""Sync {{
  Mode FTFW {{
    DisableExternalCache {"on" if direct else "off"}
  }}
  UDP {{
    IPv4_address {me}
    IPv4_Destination_Address {peer}
    Port 3780
    Interface sync0
    Checksum on
  }}
}}
General {{
  HashSize 8192
  HashLimit 65536
  LogFile {WORK}/{gw}.log
  LockFile {WORK}/{gw}.lock
  UNIX {{ Path {WORK}/{gw}.ctl }}
  NetlinkBufferSize 2097152
  NetlinkBufferSizeMaxGrowth 8388608
  Filter From Userspace {{
    Protocol Accept {{ TCP UDP ICMP }}
    Address Ignore {{ IPv4_address 127.0.0.1
      IPv4_address 10.77.9.0/30 }}
  }}
}}
"""


def start(ns: str, argv: list[str], **kw) -> subprocess.Popen:
    proc = subprocess.Popen(["ip", "netns", "exec", NS[ns], *argv], **kw)
    started.append(proc)
    return proc


def start_conntrackd(direct: bool) -> dict[str, subprocess.Popen]:
    procs = {}
    for gw in ("a", "b"):
        path = f"{WORK}/{gw}.conf"
        with open(path, "w") as f:
            f.write(conntrackd_conf(gw, direct))
        procs[gw] = start(gw, ["conntrackd", "-C", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    for gw, proc in procs.items():
        if proc.poll() is not None:
            raise RuntimeError(f"conntrackd in {gw} exited: {open(f'{WORK}/{gw}.log').read()[-400:]}")
    return procs


ECHO = r"""
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(16)
def serve(c):
    while True:
        d = c.recv(4096)
        if not d: return
        c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


class Flow:
    """A TCP echo flow from inside a namespace: a line every 10 ms, the longest gap between answers recorded."""

    def __init__(self, ns: str, dst: str, port: int, name: str):
        self.name, self.gaps, self.error, self.stop = name, [], None, False
        code = (
            "import socket,sys,time\n"
            f"t=time.monotonic();s=socket.create_connection(('{dst}',{port}),timeout=5);s.settimeout(10)\n"
            "print('up',(time.monotonic()-t)*1000,flush=True)\n"
            "last=time.monotonic();gap=0.0\n"
            "for line in sys.stdin:\n"
            "  if line.strip()=='end': break\n"
            "  s.sendall(b'x'*64); got=0\n"
            "  while got<64:\n"
            "    d=s.recv(64-got)\n"
            "    if not d: raise SystemExit('closed by peer')\n"
            "    got+=len(d)\n"
            "  now=time.monotonic();gap=max(gap,now-last);last=now\n"
            "print('gap',gap,flush=True)\n"
        )
        self.proc = start(ns, ["python3", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().split()
        if not first or first[0] != "up":
            raise RuntimeError(f"{name}: no connection ({self.proc.stderr.read().strip().splitlines()[-1]})")
        self.connect_ms = float(first[1])
        self.thread = threading.Thread(target=self.tick, daemon=True)
        self.thread.start()

    def tick(self) -> None:
        try:
            while not self.stop:
                self.proc.stdin.write("go\n")
                self.proc.stdin.flush()
                time.sleep(0.01)
            self.proc.stdin.write("end\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def result(self) -> str:
        self.stop = True
        self.thread.join()
        try:
            out, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return f"{self.name}: LOST (no answer for 10 s)"
        for line in out.splitlines():
            if line.startswith("gap"):
                gap = float(line.split()[1]) * 1000
                return f"{self.name}: connected in {self.connect_ms:.1f} ms, survived, longest gap {gap:.0f} ms"
        return f"{self.name}: LOST ({err.strip().splitlines()[-1] if err.strip() else 'exit ' + str(self.proc.returncode)})"


def sync_latency(samples: int) -> str:
    """NEW on `a` to NEW on `b`, from conntrack's event timestamps (one clock: one machine)."""
    evs = {gw: start(gw, ["conntrack", "-E", "-e", "NEW", "-o", "timestamp", "-p", "tcp", "--dport", "5002"],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for gw in ("a", "b")}
    time.sleep(0.5)
    for _ in range(samples):
        nx("c", "python3 -c \"import socket; socket.create_connection(('198.18.0.1',5002),timeout=2).close()\"")
        time.sleep(0.05)
    time.sleep(1.0)
    stamps = {}
    for gw, proc in evs.items():
        proc.terminate()
        out, _ = proc.communicate()
        for line in out.splitlines():
            # [1700000000.123456]	    [NEW] tcp      6 120 SYN_SENT src=10.77.1.10 dst=198.18.0.1 sport=NNN ...
            if "sport=" not in line:
                continue
            ts = float(line.split("]")[0].strip("["))
            sport = line.split("sport=")[1].split()[0]
            stamps.setdefault(sport, {}).setdefault(gw, ts)
    deltas = sorted((v["b"] - v["a"]) * 1000 for v in stamps.values() if "a" in v and "b" in v)
    if not deltas:
        return f"sync latency: no entry reached b ({len(stamps)} seen on a)"
    med = deltas[len(deltas) // 2]
    return f"sync latency over {len(deltas)}/{samples} connections: median {med:.2f} ms, max {deltas[-1]:.2f} ms"


def fail_over(procs: dict[str, subprocess.Popen], commit: bool) -> float:
    t0 = time.monotonic()
    if "a" in procs:
        procs["a"].terminate()
        procs["a"].wait()
    sh(f"ip netns del {NS['a']}")
    if commit:
        subprocess.run(["ip", "netns", "exec", NS["b"], "conntrackd", "-C", f"{WORK}/b.conf", "-c"], check=True,
                       capture_output=True)
    nx("r", "ip route replace default via 10.77.2.12")
    nx("b", f"ip addr add {EIP}/24 dev net1", check=False)
    start("b", ["arping", "-q", "-U", "-c", "1", "-I", "net1", EIP])  # not waited for: it lingers for a second
    return (time.monotonic() - t0) * 1000


def run_case(case: str) -> list[str]:
    os.makedirs(WORK, exist_ok=True)
    topology()
    out = [f"== {case}"]
    procs = start_conntrackd(case in ("direct", "asym")) if case != "none" else {}
    start("u", ["python3", "-c", ECHO, "198.18.0.1", "5001"])
    start("u", ["python3", "-c", ECHO, "198.18.0.1", "5002"])
    start("c", ["python3", "-c", ECHO, "10.77.1.10", "80"])
    nx("r", "ip route replace default via 10.77.2.11")
    holder = "b" if case == "asym" else "a"
    nx(holder, f"ip addr add {EIP}/24 dev net1")
    nx(holder, f"arping -q -U -c 1 -I net1 {EIP}", check=False)
    time.sleep(0.5)
    if case in ("direct", "asym"):
        out.append(sync_latency(30))
    flows = []
    for args in (("c", "198.18.0.1", 5001, "egress SNAT c->u"), ("u", EIP, 8080, "ingress DNAT u->EIP:8080")):
        try:
            flows.append(Flow(*args))
        except RuntimeError as err:
            out.append(str(err))
    time.sleep(2.0)
    took = fail_over(procs, commit=case == "commit")
    out.append(f"failover actions took {took:.0f} ms")
    time.sleep(2.0)
    out.extend(f.result() for f in flows)
    return out


def cleanup() -> None:
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
    started.clear()
    for ns in NS.values():
        sh(f"ip netns del {ns}", check=False)
    sh(f"rm -rf {WORK}", check=False)


def main() -> None:
    cases = sys.argv[1:] or ["none", "commit", "direct", "asym"]
    for case in cases:
        try:
            for line in run_case(case):
                print(line, flush=True)
        finally:
            cleanup()


if __name__ == "__main__":
    main()

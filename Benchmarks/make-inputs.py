#!/usr/bin/env python3
"""Writes the inputs of Benchmarks/input-benchmark.sh, deterministically.

usage:
  make-inputs.py wulog OUT MEGABYTES        a WindowsUpdate.log as Get-WindowsUpdateLog writes it
  make-inputs.py reg OUT VALUES             a .reg export of VALUES DWORD values (1,000 per key)
  make-inputs.py pcap OUT COUNT HEX...      a capture of COUNT TLS connections, each sending one of
                                            the ClientHellos given in hex (their random and session
                                            id varied), SYN first, to port 443
"""
import random
import struct
import sys

HOSTS = ["slscr.update.microsoft.com", "fe2cr.update.microsoft.com", "fe3cr.delivery.mp.microsoft.com",
         "sls.update.microsoft.com", "fe2.update.microsoft.com", "tsfe.trafficshaping.dsp.mp.microsoft.com"]
COMPONENTS = ["Agent", "ComApi", "Handler", "Shared", "DownloadManager", "IdleTimer", "Misc", "ProtocolTalker", "SLS", "Setup"]
MESSAGES = [
    "* START * Finding updates CallerId = UpdateOrchestrator  Id = 21",
    "Online = Yes; Interactive = No; AllowCachedResults = No; Ignore download priority = No",
    "ServiceID = {9482F4B4-E343-43B6-B170-9A65BC822C77} Third party service",
    "Search Scope = {Machine}",
    "Caller SID for Applicability: S-1-5-18",
    "ProcessDriverDeferrals is set",
    "Updates found = 0",
    "Exit code = 0x00000000, Result code = 0x00000000",
    "Deployment job Id 9AE1D2D5-3E6B-4D0D-8C6B-9C3B4F0A5E11 : Update 5E4FF3AD-B4B7-4DE1-A8E2-4D0E1A1B0B7C.200 is not applicable",
    "Token Requested with 0 category IDs.",
]


def wulog(out, megabytes):
    rng = random.Random(26)
    limit = megabytes * 1_000_000
    size = 0
    second = 0
    with open(out, "w", newline="\r\n") as f:
        while size < limit:
            second += 1
            stamp = f"2023/05/{4 + second // 86400 % 20:02d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}.{rng.randrange(10**7):07d}"
            thread = rng.choice([5678, 9999, 4444, 1212])
            r = rng.random()
            if r < 0.05:
                host = rng.choice(HOSTS)
                msg = (f"Making request with URL HTTPS://{host}/SLS/{{9482F4B4-E343-43B6-B170-9A65BC822C77}}/x64/10.0.19045.2728/0"
                       f"?CH=686&L=en-US&P=&PT=0x30&WUA=10.0.19041.3636&MK=Dell&MD=Latitude")
                comp = "SLS"
            elif r < 0.06:
                msg, comp = rng.choice(["FAILED [80072EFE] Send request", "*FAILED* [80072F8F] GetDownloadedOnWeakSSLCert"]), "Misc"
            else:
                msg, comp = rng.choice(MESSAGES), rng.choice(COMPONENTS)
            line = f"{stamp} 1234  {thread}  {comp:<15} {msg}\n"
            f.write(line)
            size += len(line) + 1


def reg(out, values):
    per_key = 1000
    with open(out, "w", newline="\r\n") as f:
        f.write("Windows Registry Editor Version 5.00\n\n")
        for k in range((values + per_key - 1) // per_key):
            f.write(f"[HKEY_LOCAL_MACHINE\\SOFTWARE\\Bench\\Key{k}]\n")
            for v in range(min(per_key, values - k * per_key)):
                f.write(f'"Value{v}"=dword:{v:08x}\n')
            f.write("\n")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def packet(src_port, seq, ack, flags, payload, client):
    ip_src, ip_dst = (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01") if client else (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02")
    sport, dport = (src_port, 443) if client else (443, src_port)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, ip_src, ip_dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + ip + tcp


def pcap(out, count, hellos):
    rng = random.Random(26)
    records = []
    for i in range(count):
        hello = bytearray(hellos[i % len(hellos)])
        # Record header (5), handshake header (4), version (2), then the 32-byte random.
        hello[11:43] = bytes(rng.randrange(256) for _ in range(32))
        if hello[43] == 32:
            hello[44:76] = bytes(rng.randrange(256) for _ in range(32))
        port = 20000 + i % 40000
        seq = rng.randrange(2**32)
        records.append(packet(port, seq, 0, 0x02, b"", True))
        records.append(packet(port, seq + 1, 1, 0x18, bytes(hello), True))
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for n, data in enumerate(records):
            f.write(struct.pack("<IIII", 1_700_000_000 + n // 1000, n % 1000 * 1000, len(data), len(data)) + data)


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "wulog":
        wulog(sys.argv[2], int(sys.argv[3]))
    elif kind == "reg":
        reg(sys.argv[2], int(sys.argv[3]))
    elif kind == "pcap":
        pcap(sys.argv[2], int(sys.argv[3]), [bytes.fromhex(h) for h in sys.argv[4:]])
    else:
        sys.exit(__doc__)

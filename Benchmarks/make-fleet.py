#!/usr/bin/env python3
"""Writes a deterministic, varied fleet of Windows TLS exports for `tlsfit report --fleet`.

usage: make-fleet.py OUT_DIR [COUNT]   (COUNT defaults to 10000)

Machines go into release folders (windows-7/, windows-10-22h2/, server-2019/, ...) and one folder
without a release name; most are .reg exports (UTF-8 and UTF-16LE), some Registry.pol files, some
cipher lists (.txt), a few GPO backup folders, and about 0.5% broken files (empty, binary junk,
a .pol with a bad header) that the report must list as skipped.
"""
import os
import random
import struct
import sys

SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
POLICY = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
WINHTTP = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"

SUITE_LISTS = [
    None,  # release default
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA256",
]
PROTOCOL_TWEAKS = [
    [],
    [("TLS 1.2", "Client", 0, 1)],            # TLS 1.2 disabled for the client
    [("TLS 1.0", "Client", 1, 0)],            # TLS 1.0 enabled
    [("TLS 1.3", "Client", 0, 1)],            # TLS 1.3 disabled
]
CURVES = [None, "curve25519", "NistP256,NistP384"]
RELEASES = ["windows-10-22h2", "windows-11", "server-2019", "server-2022", "windows-7", "unsorted"]


def reg_text(suites, tweaks, curves, release):
    lines = ["Windows Registry Editor Version 5.00", ""]
    for proto, side, enabled, disabled_by_default in tweaks:
        lines += [f"[{SCHANNEL}\\Protocols\\{proto}\\{side}]",
                  f'"Enabled"=dword:{enabled:08x}', f'"DisabledByDefault"=dword:{disabled_by_default:08x}', ""]
    if release == "windows-7":
        lines += [f"[{WINHTTP}]", '"DefaultSecureProtocols"=dword:00000a00', ""]
    if suites or curves:
        lines.append(f"[{POLICY}]")
        if suites:
            lines.append(f'"Functions"="{suites}"')
        if curves:
            lines.append(f'"EccCurves"=hex(7):' + ",".join(f"{b:02x}" for b in (curves.replace(",", "\0") + "\0\0").encode("utf-16-le")))
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def preg(entries):
    out = bytearray(b"PReg" + struct.pack("<I", 1))
    for key, name, kind, data in entries:
        u = lambda s: (s + "\0").encode("utf-16-le")
        out += "[".encode("utf-16-le") + u(key) + ";".encode("utf-16-le") + u(name) + ";".encode("utf-16-le")
        out += struct.pack("<I", kind) + ";".encode("utf-16-le") + struct.pack("<I", len(data)) + ";".encode("utf-16-le")
        out += data + "]".encode("utf-16-le")
    return bytes(out)


def pol_for(suites):
    key = POLICY.replace("HKEY_LOCAL_MACHINE\\", "")
    return preg([(key, "Functions", 1, (suites + "\0").encode("utf-16-le"))])


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(20260101)
    broken = 0
    for i in range(count):
        release = RELEASES[i % len(RELEASES)]
        folder = os.path.join(out, release, f"site-{i % 17:02d}")
        os.makedirs(folder, exist_ok=True)
        name = f"pc-{i:05d}"
        r = rng.random()
        if r < 0.005:  # broken exports
            broken += 1
            kind = i % 3
            path = os.path.join(folder, name + (".reg", ".pol", ".reg")[kind])
            data = (b"", b"PReg\x09\x00\x00\x00garbage", bytes(rng.randrange(256) for _ in range(64)) + b"\x00\xff")[kind]
            with open(path, "wb") as f:
                f.write(data)
            continue
        suites = SUITE_LISTS[rng.randrange(len(SUITE_LISTS))]
        if r < 0.10 and suites:  # Registry.pol
            with open(os.path.join(folder, name + ".pol"), "wb") as f:
                f.write(pol_for(suites))
        elif r < 0.15 and suites:  # a pasted cipher list
            with open(os.path.join(folder, name + ".txt"), "w") as f:
                f.write(suites.replace(",", "\n") + "\n")
        elif r < 0.152 and suites:  # a GPO backup folder: one machine
            gpo = os.path.join(folder, name, "{%08X-0000-0000-0000-000000000000}" % i, "DomainSysvol", "GPO", "Machine")
            os.makedirs(gpo, exist_ok=True)
            with open(os.path.join(gpo, "registry.pol"), "wb") as f:
                f.write(pol_for(suites))
            with open(os.path.join(folder, name, "{%08X-0000-0000-0000-000000000000}" % i, "Backup.xml"), "w") as f:
                f.write("<GroupPolicyBackupScheme/>\n")
        else:
            text = reg_text(suites, PROTOCOL_TWEAKS[rng.randrange(len(PROTOCOL_TWEAKS))],
                            CURVES[rng.randrange(len(CURVES))], release)
            encoding = "utf-16" if i % 5 == 0 else "utf-8"
            with open(os.path.join(folder, name + ".reg"), "w", encoding=encoding, newline="") as f:
                f.write(text)
    print(f"{count} exports in {out} ({broken} broken on purpose)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the Windows configuration fixtures tlsfit's tests read.

Run from anywhere: python3 make-fixtures.py [--out DIR]. The output is committed beside this
script, so the tests never need Python (a test regenerates into a temporary folder, when python3 is
there, to catch a stale checked-in copy). Text fixtures are written here too, to control their
exact encodings.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) == 3 and sys.argv[1] == "--out":
    HERE = sys.argv[2]

SCHANNEL = r"SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
POLICY_SSL = r"SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
LOCAL_SSL = r"SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
WINHTTP = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WINHTTP_WOW = r"SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"

WIN10_ORDER = [
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
]

WIN7_ORDER = [
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
]


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def utf16(text):
    return b"\xff\xfe" + text.encode("utf-16-le")


def hex_bytes(data, prefix_len):
    """regedit's hex layout: comma separated, wrapped near 80 columns with ,\\ continuations."""
    out, width = "", prefix_len
    for i, b in enumerate(data):
        out += "%02x" % b
        width += 2
        if i < len(data) - 1:
            out += ","
            width += 1
            if width >= 76:
                out += "\\\r\n  "
                width = 2
    return out


def multi_sz(items, wide=True):
    enc = "utf-16-le" if wide else "latin-1"
    nul = b"\x00\x00" if wide else b"\x00"
    return b"".join(i.encode(enc) + nul for i in items) + nul


# ---------------------------------------------------------------- regedit exports

def crlf(lines):
    return "\r\n".join(lines) + "\r\n"


multi_line = '"Functions"=hex(7):' + hex_bytes(multi_sz(WIN10_ORDER[2:6]), len('"Functions"=hex(7):'))
full_export = crlf([
    "Windows Registry Editor Version 5.00",
    "",
    "; exported from several keys at once",
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Protocols\\TLS 1.0\\Client]",
    '"Enabled"=dword:00000000',
    '"DisabledByDefault"=dword:00000001',
    "",
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Protocols\\TLS 1.2\\Client]",
    '"Enabled"=dword:ffffffff',
    '"DisabledByDefault"=dword:00000000',
    "",
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Ciphers\\Triple DES 168]",
    '"Enabled"=dword:00000000',
    "",
    "[HKEY_LOCAL_MACHINE\\" + LOCAL_SSL + "]",
    multi_line,
    '"EccCurves"=hex(7):' + hex_bytes(multi_sz(["curve25519", "NistP384"]), len('"EccCurves"=hex(7):')),
    "",
    "[HKEY_LOCAL_MACHINE\\" + WINHTTP + "]",
    '"DefaultSecureProtocols"=dword:00000a00',
    '"Note"="a \\"quoted\\" C:\\\\path"',
    '"Expand"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,74,00,25,00,00,00',
    '"Big"=hex(b):01,00,00,00,00,00,00,00',
    '"Blob"=hex:de,ad,be,ef',
    "@=\"default value\"",
    "",
])
write("regedit/export-utf16le-bom.reg", utf16(full_export))
write("regedit/export-utf8.reg", full_export.encode("utf-8"))
write("regedit/export-utf8-bom.reg", b"\xef\xbb\xbf" + full_export.encode("utf-8"))

regedit4 = crlf([
    "REGEDIT4",
    "",
    "[HKEY_LOCAL_MACHINE\\" + LOCAL_SSL + "]",
    '"Functions"=hex(7):' + hex_bytes(multi_sz(WIN7_ORDER, wide=False), len('"Functions"=hex(7):')),
    "",
    "[HKLM\\" + SCHANNEL + "\\Protocols\\TLS 1.2\\Client]",
    '"DisabledByDefault"=dword:00000001',
    "",
])
write("regedit/regedit4-win7.reg", regedit4.encode("latin-1"))

# Two exports pasted together; the second deletes a value and a key the first set.
concatenated = crlf([
    "Windows Registry Editor Version 5.00",
    "",
    "[HKEY_LOCAL_MACHINE\\" + POLICY_SSL + "]",
    '"Functions"="' + ",".join(WIN10_ORDER) + '"',
    '"EccCurves"=hex(7):' + hex_bytes(multi_sz(["NistP256"]), len('"EccCurves"=hex(7):')),
    "",
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Protocols\\TLS 1.2\\Server]",
    '"Enabled"=dword:00000001',
    "",
]) + crlf([
    "Windows Registry Editor Version 5.00",
    "",
    "[HKEY_LOCAL_MACHINE\\" + POLICY_SSL + "]",
    '"EccCurves"=-',
    "",
    "[-HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Protocols\\TLS 1.2\\Server]",
    "",
])
write("regedit/concatenated.reg", concatenated.encode("utf-8"))

# The classic Windows 7 mistake: TLS 1.2 turned on for Server only, Windows 10 names in the GPO.
server_only = crlf([
    "Windows Registry Editor Version 5.00",
    "",
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Protocols\\TLS 1.2\\Server]",
    '"Enabled"=dword:00000001',
    '"DisabledByDefault"=dword:00000000',
    "",
    "[HKEY_LOCAL_MACHINE\\" + WINHTTP + "]",
    '"DefaultSecureProtocols"=dword:00000800',
    "",
    "[HKEY_LOCAL_MACHINE\\" + POLICY_SSL + "]",
    '"Functions"="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_RSA_WITH_AES_256_GCM_SHA384,TLS_NOT_A_SUITE"',
    "",
])
write("regedit/win7-server-only.reg", server_only.encode("utf-8"))

# Every suite removed: only 3DES is listed and 3DES is switched off.
empty = crlf([
    "Windows Registry Editor Version 5.00",
    "[HKEY_LOCAL_MACHINE\\" + POLICY_SSL + "]",
    '"Functions"="TLS_RSA_WITH_3DES_EDE_CBC_SHA"',
    "[HKEY_LOCAL_MACHINE\\" + SCHANNEL + "\\Ciphers\\Triple DES 168]",
    '"Enabled"=dword:00000000',
])
write("regedit/empty-effective.reg", empty.encode("utf-8"))

broken = crlf([
    "Windows Registry Editor Version 5.00",
    "",
    "[HKEY_LOCAL_MACHINE\\" + POLICY_SSL + "]",
    '"Functions"="TLS_RSA_WITH_AES_256_GCM_SHA384"',
    '"Bad"=dword:xyz',
])
write("broken/bad-dword.reg", broken.encode("utf-8"))

# ---------------------------------------------------------------- Registry.pol

def pol_record(key, value, typ, data):
    def s(text):
        return text.encode("utf-16-le") + b"\x00\x00"
    sep = ";".encode("utf-16-le")
    return ("[".encode("utf-16-le") + s(key) + sep + s(value) + sep + struct.pack("<I", typ) + sep
            + struct.pack("<I", len(data)) + sep + data + "]".encode("utf-16-le"))


def reg_sz(text):
    return text.encode("utf-16-le") + b"\x00\x00"


def pol(records):
    return b"PReg" + struct.pack("<I", 1) + b"".join(pol_record(*r) for r in records)


long_list = WIN10_ORDER[:6] + [
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA", "TLS_PSK_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_NULL_SHA384_X",
    "TLS_PSK_WITH_AES_256_CBC_SHA384", "TLS_PSK_WITH_NULL_SHA384",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
]
gpo_long = ",".join(long_list)
assert len(gpo_long) > 1023, len(gpo_long)

machine_pol = pol([
    (POLICY_SSL, "Functions", 1, reg_sz(gpo_long)),
    (POLICY_SSL, "EccCurves", 7, multi_sz(["NistP384", "NistP256"])),
    (SCHANNEL + "\\Protocols\\TLS 1.0\\Client", "Enabled", 4, struct.pack("<I", 0)),
    (SCHANNEL + "\\Protocols\\TLS 1.1\\Client", "**del.Enabled", 1, reg_sz(" ")),
    (SCHANNEL + "\\Hashes\\MD5", "**delvals.", 1, reg_sz(" ")),
    (WINHTTP, "DefaultSecureProtocols", 4, struct.pack("<I", 0xA80)),
    (WINHTTP_WOW, "DefaultSecureProtocols", 4, struct.pack("<I", 0xA00)),
])
write("pol/machine-registry.pol", machine_pol)
write("gpo-backup/{6AC1786C-016F-11D2-945F-00C04FB984F9}/DomainSysvol/GPO/Machine/Registry.pol", machine_pol)
write("gpo-backup/{6AC1786C-016F-11D2-945F-00C04FB984F9}/Backup.xml",
      b'<?xml version="1.0" encoding="utf-8"?><GroupPolicyBackupScheme/>\r\n')
write("gpo-backup/{6AC1786C-016F-11D2-945F-00C04FB984F9}/DomainSysvol/GPO/User/.keep", b"")
write("broken/truncated.pol", machine_pol[:150])

# ---------------------------------------------------------------- gpresult /x

gpresult = """<?xml version="1.0" encoding="utf-16"?>
<Rsop xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">
  <ReadTime>2026-11-20T10:00:00.0000000Z</ReadTime>
  <DataType>LoggingData</DataType>
  <ComputerResults>
    <Name>CONTOSO\\WS01$</Name>
    <ExtensionData>
      <Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/Registry" xsi:type="q1:RegistrySettings">
        <q1:Policy>
          <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">
            <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{31B2F340-016D-11D2-945F-00C04FB984F9}</Identifier>
          </GPO>
          <q1:Name>SSL Cipher Suite Order</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:Explain>This policy setting determines the cipher suites used by the SSL.</q1:Explain>
          <q1:Category>Network/SSL Configuration Settings</q1:Category>
          <q1:EditText>
            <q1:Name>SSL Cipher Suites</q1:Name>
            <q1:Value>TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384</q1:Value>
          </q1:EditText>
        </q1:Policy>
        <q1:Policy>
          <q1:Name>ECC Curve Order</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:MultiText>
            <q1:Name>ECC Curve Order:</q1:Name>
            <q1:Value>
              <q1:String>NistP384</q1:String>
              <q1:String>curve25519</q1:String>
            </q1:Value>
          </q1:MultiText>
        </q1:Policy>
        <q1:RegistrySetting>
          <q1:KeyPath>SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Client</q1:KeyPath>
          <q1:AdmSetting>false</q1:AdmSetting>
          <q1:Value>
            <q1:Name>Enabled</q1:Name>
            <q1:Number>0</q1:Number>
          </q1:Value>
        </q1:RegistrySetting>
      </Extension>
      <Name>Registry</Name>
    </ExtensionData>
    <ExtensionData>
      <Extension xmlns:q2="http://www.microsoft.com/GroupPolicy/Settings/Windows/Registry" xsi:type="q2:WindowsRegistrySettings">
        <q2:RegistrySettings clsid="{A3CCFC41-DFDB-43a5-8D26-0FE8B954DA51}">
          <q2:Registry clsid="{9CD4B2F4-923D-47f5-A062-E897DD1DAD50}" name="DefaultSecureProtocols">
            <q2:Properties action="U" displayDecimal="0" default="0" hive="HKEY_LOCAL_MACHINE" key="SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp" name="DefaultSecureProtocols" type="REG_DWORD" value="00000a00"/>
          </q2:Registry>
        </q2:RegistrySettings>
      </Extension>
      <Name>Windows Registry</Name>
    </ExtensionData>
  </ComputerResults>
  <UserResults>
    <ExtensionData>
      <Extension xmlns:q3="http://www.microsoft.com/GroupPolicy/Settings/Registry" xsi:type="q3:RegistrySettings">
        <q3:RegistrySetting>
          <q3:KeyPath>Software\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002</q3:KeyPath>
          <q3:Value><q3:Name>Functions</q3:Name><q3:String>TLS_USER_SIDE_IS_IGNORED</q3:String></q3:Value>
        </q3:RegistrySetting>
      </Extension>
    </ExtensionData>
  </UserResults>
</Rsop>
"""
write("gpresult/gpresult-utf16.xml", utf16(gpresult.replace("\n", "\r\n")))
write("broken/bad.xml", b'<?xml version="1.0"?>\n<Rsop>\n  <ComputerResults>\n    <Name>x</Nme>\n</Rsop>\n')

# ---------------------------------------------------------------- Get-TlsCipherSuite

suites = [
    ("TLS_AES_256_GCM_SHA384", 4866, "AES", "", "", [772]),
    ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", 49200, "AES", "ECDH", "RSA", [771]),
    ("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 49191, "AES", "ECDH", "RSA", [771]),
    ("TLS_RSA_WITH_AES_256_GCM_SHA384", 157, "AES", "RSA", "RSA", [771]),
]
list_text = ""
for name, code, cipher, exch, cert, protos in suites:
    list_text += "\r\n".join([
        "",
        "KeyType               : 0",
        "Certificate           : " + cert,
        "MaximumExchangeLength : 65536",
        "MinimumExchangeLength : 0",
        "Exchange              : " + exch,
        "HashLength            : 0",
        "Hash                  : ",
        "CipherBlockLength     : 16",
        "CipherLength          : 256",
        "BaseCipherSuite       : %d" % code,
        "CipherSuite           : %d" % code,
        "Cipher                : " + cipher,
        "Name                  : " + name,
        "Protocols             : {%s}" % ", ".join(str(p) for p in protos),
        "",
    ])
write("tls/get-tlsciphersuite-list.txt", utf16(list_text))

table = "\r\n".join([
    "",
    "Name                                    Certificate Cipher CipherSuite",
    "----                                    ----------- ------ -----------",
] + ["%-39s %-11s %-6s %d" % (n, c, ci, code) for n, code, ci, _, c, _ in suites] + ["", ""])
write("tls/get-tlsciphersuite-table.txt", table.encode("utf-8"))

import json
objs = [{"KeyType": 0, "Certificate": c, "MaximumExchangeLength": 65536, "MinimumExchangeLength": 0,
         "Exchange": e, "HashLength": 0, "Hash": "", "CipherBlockLength": 16, "CipherLength": 256,
         "BaseCipherSuite": code, "CipherSuite": code, "Cipher": ci, "Name": n, "Protocols": p}
        for n, code, ci, e, c, p in suites]
write("tls/get-tlsciphersuite.json", b"\xef\xbb\xbf" + json.dumps(objs, indent=4).replace("\n", "\r\n").encode("utf-8"))

# ---------------------------------------------------------------- plain lists

write("lists/gpo-field.txt", ",".join(WIN10_ORDER[:6]).encode("utf-8"))
write("lists/one-per-line.txt", ("# ordered list\n" + "\n".join(WIN10_ORDER[2:6] + [WIN10_ORDER[2]]) + "\n").encode("utf-8"))
write("lists/long-gpo-field.txt", gpo_long.encode("utf-8"))

#!/usr/bin/env python3
"""Writes the collect bundle of tlsfit's demo (CipherSuites/examples/server-2019-hardening/): a Windows
Server 2019 machine after a hardening GPO, in exactly the files and encodings `tlsfit collect`'s script
writes there: reg export (UTF-16LE with a BOM, CRLF), gpresult /x (UTF-16LE XML), netsh / cmdlet output
and manifest.json through [IO.File]::WriteAllText with UTF-8 and a BOM, Get-WindowsUpdateLog's text.

python3 make-bundle.py [--out DIR]
"""
import datetime
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "..", "CipherSuites", "examples", "server-2019-hardening")
if len(sys.argv) == 3 and sys.argv[1] == "--out":
    OUT = sys.argv[2]
os.makedirs(OUT, exist_ok=True)

MACHINE = "WS2019-APP01"
ORDER = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"
LOG_TIME = datetime.datetime(2026, 12, 1, 9, 14, 2, tzinfo=datetime.timezone.utc)


def reg(name, body):
    text = "Windows Registry Editor Version 5.00\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\xff\xfe" + text.encode("utf-16-le"))


def utf8_bom(name, text):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))


def hexbytes(data):
    return ",".join("%02x" % b for b in data)


def filetime(dt):
    ticks = int((dt.timestamp() + 11644473600) * 10000000)
    return struct.pack("<Q", ticks)


S = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
reg("schannel.reg", f"""[{S}]
"EventLogging"=dword:00000001

[{S}\\Ciphers]

[{S}\\Ciphers\\RC4 128/128]
"Enabled"=dword:00000000

[{S}\\Ciphers\\Triple DES 168]
"Enabled"=dword:00000000

[{S}\\CipherSuites]

[{S}\\Hashes]

[{S}\\KeyExchangeAlgorithms]

[{S}\\Protocols]

[{S}\\Protocols\\SSL 2.0]

[{S}\\Protocols\\SSL 2.0\\Client]
"DisabledByDefault"=dword:00000001

[{S}\\Protocols\\TLS 1.0]

[{S}\\Protocols\\TLS 1.0\\Client]
"Enabled"=dword:00000000
"DisabledByDefault"=dword:00000001

[{S}\\Protocols\\TLS 1.1]

[{S}\\Protocols\\TLS 1.1\\Client]
"Enabled"=dword:00000000
"DisabledByDefault"=dword:00000001

[{S}\\Protocols\\TLS 1.2]

[{S}\\Protocols\\TLS 1.2\\Client]
"Enabled"=dword:00000001
"DisabledByDefault"=dword:00000000
""")

P = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL"
reg("ssl-policy.reg", f"""[{P}]

[{P}\\00010002]
"Functions"="{ORDER}"
""")

L = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL"
reg("ssl-local.reg", f"""[{L}]

[{L}\\00010001]

[{L}\\00010002]
""")

C = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
direct = bytes([0x18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
reg("connections.reg", f"""[{C}]
"WinHttpSettings"=hex:{hexbytes(direct)}
""")

for name, key in [("dotnet-v4.reg", r"SOFTWARE\Microsoft\.NETFramework\v4.0.30319"),
                  ("dotnet-v4-wow64.reg", r"SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319")]:
    reg(name, f"""[HKEY_LOCAL_MACHINE\\{key}]
"SchUseStrongCrypto"=dword:00000001
"SystemDefaultTlsVersions"=dword:00000001
""")

V = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
reg("currentversion.reg", f"""[{V}]
"SystemRoot"="C:\\\\Windows"
"BuildBranch"="rs5_release"
"BuildLab"="17763.rs5_release.180914-1434"
"CurrentBuild"="17763"
"CurrentBuildNumber"="17763"
"CurrentMajorVersionNumber"=dword:0000000a
"CurrentMinorVersionNumber"=dword:00000000
"CurrentType"="Multiprocessor Free"
"CurrentVersion"="6.3"
"EditionID"="ServerDatacenter"
"InstallationType"="Server"
"ProductName"="Windows Server 2019 Datacenter"
"ReleaseId"="1809"
"UBR"=dword:000014d1
""")

A = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\SystemCertificates\AuthRoot\AutoUpdate"
reg("authroot-autoupdate.reg", f"""[{A}]
"RootDirURL"="http://ctldl.windowsupdate.com/msdownload/update/v3/static/trustedr/en"
"DisallowedCertLastSyncTime"=hex:{hexbytes(filetime(LOG_TIME - datetime.timedelta(hours=3)))}
""")

utf8_bom("netsh-winhttp-proxy.txt", "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n\r\n")

gp = f"""<?xml version="1.0" encoding="utf-16"?>
<Rsop xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.microsoft.com/GroupPolicy/Rsop">
  <ReadTime>2026-12-01T09:20:11.0000000Z</ReadTime>
  <DataType>LoggingData</DataType>
  <ComputerResults>
    <Version>2228286</Version>
    <Name>CONTOSO\\{MACHINE}$</Name>
    <Domain>contoso.com</Domain>
    <GPO>
      <Name>Server TLS Hardening</Name>
      <Path>
        <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{{6AC1786C-016F-11D2-945F-00C04FB984F9}}</Identifier>
        <Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">contoso.com</Domain>
      </Path>
      <Enabled>true</Enabled>
      <IsValid>true</IsValid>
      <FilterAllowed>true</FilterAllowed>
      <AccessDenied>false</AccessDenied>
    </GPO>
    <ExtensionData>
      <Extension xmlns:q1="http://www.microsoft.com/GroupPolicy/Settings/Registry" xsi:type="q1:RegistrySettings">
        <q1:Policy>
          <GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings/Base">
            <Identifier xmlns="http://www.microsoft.com/GroupPolicy/Types">{{6AC1786C-016F-11D2-945F-00C04FB984F9}}</Identifier>
            <Domain xmlns="http://www.microsoft.com/GroupPolicy/Types">contoso.com</Domain>
          </GPO>
          <q1:Name>SSL Cipher Suite Order</q1:Name>
          <q1:State>Enabled</q1:State>
          <q1:Explain>This policy setting determines the cipher suites used by the Secure Socket Layer (SSL).</q1:Explain>
          <q1:Supported>At least Windows Vista</q1:Supported>
          <q1:Category>Network/SSL Configuration Settings</q1:Category>
          <q1:EditText>
            <q1:Name>SSL Cipher Suites</q1:Name>
            <q1:Value>{ORDER}</q1:Value>
          </q1:EditText>
        </q1:Policy>
      </Extension>
      <Name>Registry</Name>
    </ExtensionData>
  </ComputerResults>
</Rsop>
"""
with open(os.path.join(OUT, "gpresult.xml"), "wb") as f:
    f.write(b"\xff\xfe" + gp.replace("\n", "\r\n").encode("utf-16-le"))

SUITES = [
    (49200, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "RSA", "ECDH", "AES", 256, [771]),
    (49199, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "RSA", "ECDH", "AES", 128, [771]),
    (159, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "RSA", "DH", "AES", 256, [771]),
    (158, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "RSA", "DH", "AES", 128, [771]),
]
items = []
for code, name, cert, exchange, cipher, length, protocols in SUITES:
    items.append("""    {
        "KeyType":  0,
        "Certificate":  "%s",
        "MaximumExchangeLength":  65536,
        "MinimumExchangeLength":  %d,
        "Exchange":  "%s",
        "HashLength":  0,
        "Hash":  "",
        "CipherBlockLength":  16,
        "CipherLength":  %d,
        "BaseCipherSuite":  %d,
        "CipherSuite":  %d,
        "Cipher":  "%s",
        "Name":  "%s",
        "Protocols":  [
                          %s
                      ]
    }""" % (cert, 255 if exchange == "ECDH" else 2048, exchange, length, code, code, cipher, name, ",\r\n                          ".join(str(p) for p in protocols)))
utf8_bom("tls-cipher-suites.json", ("[\n" + ",\n".join(items) + "\n]\n").replace("\n", "\r\n"))
utf8_bom("tls-ecc-curves.txt", "curve25519\r\nNistP256\r\nNistP384\r\n")

t = LOG_TIME
def stamp(seconds):
    return (t + datetime.timedelta(seconds=seconds)).strftime("%Y/%m/%d %H:%M:%S") + ".%07d" % (1234567 + seconds)
URL = "HTTPS://slscr.update.microsoft.com/SLS/{9482F4B4-E343-43B6-B170-9A65BC822C77}/x64/10.0.17763.5329/0?CH=686&L=en-US&P=&PT=0x30&WUA=10.0.17763.5329"
log = "\r\n".join([
    f"{stamp(0)} 1044  3816  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 1",
    f"{stamp(1)} 1044  3816  SLS             Get response for service 855E8A7C-ECB4-4CA3-B045-1DFA50104289 - forceExpire[False] asyncRefreshOnExpiry[True]",
    f"{stamp(1)} 1044  3816  SLS             Making request with URL {URL} and send SLS events.",
    f"{stamp(2)} 1044  3816  Misc            FAILED [80072EFE] Send request",
    f"{stamp(2)} 1044  3816  SLS             Complete the request URL {URL} with [80072EFE] and http status code[0] and send SLS events.",
    f"{stamp(2)} 1044  3816  SLS             *FAILED* [80072EFE] GetDownloadedOnWeakSLSCert",
    f"{stamp(3)} 1044  3816  Agent           *FAILED* [80072EFE] Finding updates",
    f"{stamp(3)} 1044  3816  Agent           * END * Finding updates CallerId = UpdateOrchestrator  Id = 1",
]) + "\r\n"
utf8_bom("WindowsUpdate.log", log)

utf8_bom("winhttp-probe.json", '{"tlsfitProbe":1,"stack":"winhttp.dll, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY","probedAt":"2026-12-01T09:21:40Z","results":['
         '{"scheme":"https","host":"slscr.update.microsoft.com","port":443,"stage":"send","winhttpError":12030,"httpStatus":0},'
         '{"scheme":"https","host":"fe2cr.update.microsoft.com","port":443,"stage":"send","winhttpError":12030,"httpStatus":0},'
         '{"scheme":"https","host":"fe3cr.delivery.mp.microsoft.com","port":443,"stage":"send","winhttpError":12030,"httpStatus":0},'
         '{"scheme":"https","host":"fe3.delivery.mp.microsoft.com","port":443,"stage":"ok","winhttpError":0,"httpStatus":404},'
         '{"scheme":"http","host":"download.windowsupdate.com","port":80,"stage":"ok","winhttpError":0,"httpStatus":200}]}')

def item(id, file, status, reason=""):
    return '{"id":"%s","file":"%s","status":"%s","reason":"%s"}' % (id, file, status, reason)
manifest_items = [
    item("schannel", "schannel.reg", "collected"), item("ssl-policy", "ssl-policy.reg", "collected"),
    item("ssl-local", "ssl-local.reg", "collected"),
    item("winhttp", "winhttp.reg", "absent", "the key does not exist on this machine (Windows defaults apply)"),
    item("winhttp-wow64", "winhttp-wow64.reg", "absent", "the key does not exist on this machine (Windows defaults apply)"),
    item("connections", "connections.reg", "collected"), item("dotnet-v4", "dotnet-v4.reg", "collected"),
    item("dotnet-v4-wow64", "dotnet-v4-wow64.reg", "collected"),
    item("dotnet-v2", "dotnet-v2.reg", "absent", "the key does not exist on this machine (Windows defaults apply)"),
    item("dotnet-v2-wow64", "dotnet-v2-wow64.reg", "absent", "the key does not exist on this machine (Windows defaults apply)"),
    item("currentversion", "currentversion.reg", "collected"), item("authroot", "authroot-autoupdate.reg", "collected"),
    item("netsh-proxy", "netsh-winhttp-proxy.txt", "collected"), item("gpresult", "gpresult.xml", "collected"),
    item("tls-suites", "tls-cipher-suites.json", "collected"), item("tls-curves", "tls-ecc-curves.txt", "collected"),
    item("wulog", "WindowsUpdate.log", "collected"), item("probe", "winhttp-probe.json", "collected"),
    item("capture", "capture.pcapng", "skipped", "not asked for (-Capture)"),
]
utf8_bom("manifest.json", '{"tlsfitCollect":1,"tlsfitVersion":"0.1.0","machine":"%s","collectedAt":"2026-12-01T09:21:02Z","build":"17763.5329",'
         '"productName":"Windows Server 2019 Datacenter","powershell":"5.1.17763.5329","elevated":true,"is64BitWindows":true,"items":[%s]}'
         % (MACHINE, ",".join(manifest_items)))

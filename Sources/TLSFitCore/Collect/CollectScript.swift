/// The PowerShell script `tlsfit collect` prints: run elevated on the failing Windows machine, it
/// gathers what `CipherSuites/collect.tsv` lists into one folder (and a zip where `Compress-Archive`
/// exists) that tlsfit reads back as one configuration input.
///
/// The script only reads the machine: `reg export`, `netsh winhttp show proxy`, `gpresult`,
/// `Get-*` cmdlets, a copy of WindowsUpdate.log; with `-Probe`, one request per update host through
/// winhttp.dll; with `-Capture`, a packet capture around one update scan. It is written for
/// PowerShell 2.0 (Windows 7 SP1, Server 2008 R2) to 7: no syntax newer than 2.0, every cmdlet
/// checked with Get-Command before use, and what is skipped recorded in manifest.json with why.
public enum CollectScript {
    /// The script as text (without the BOM).
    public static func text(version: String, items: [CollectItem] = CollectTable.all, catalog: Catalog = .shared)
        -> String
    {
        var s = header(version: version)
        s += helpers
        s += start(version: version)
        for item in items {
            switch item.kind {
            case .reg: s += reg(item)
            case .command: s += command(item)
            case .cmdlet: s += cmdlet(item)
            case .log: s += log(item)
            case .probe: s += probe(item, catalog: catalog)
            case .capture: s += capture(item)
            }
        }
        s += finish
        // Windows PowerShell 5.1 reads CRLF files best (and Notepad on Windows 7 shows nothing else).
        return s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }

    /// The script as bytes: UTF-8 with a byte-order mark, which Windows PowerShell 5.1 needs to read
    /// anything beyond ASCII as UTF-8.
    public static func bytes(version: String, items: [CollectItem] = CollectTable.all, catalog: Catalog = .shared)
        -> [UInt8]
    {
        [0xEF, 0xBB, 0xBF] + Array(text(version: version, items: items, catalog: catalog).utf8)
    }

    /// A PowerShell single-quoted string literal.
    static func quoted(_ s: String) -> String { "'" + s.replacing("'", with: "''") + "'" }

    static func header(version: String) -> String {
        #"""
        <#
        tlsfit collect (tlsfit \#(version)): gathers what tlsfit needs to explain why this machine cannot
        reach Windows Update over TLS (0x80072EFE, 0x80072F8F...). READ-ONLY: it exports registry keys,
        runs netsh/gpresult/Get-* commands and copies WindowsUpdate.log; it changes no setting.

        Run it in an elevated PowerShell (Run as administrator), 64-bit, on the failing machine:
            powershell -ExecutionPolicy Bypass -File .\tlsfit-collect.ps1 [-Probe] [-Capture] [-OutputFolder D:\temp]
        -Probe    also makes one HTTPS request to each Windows Update host through WinHTTP (winhttp.dll,
                  the update agent's own stack and proxy settings) and records each host's error code.
        -Capture  also records the network traffic of one Windows Update scan (pktmon, else netsh trace).

        It writes one folder tlsfit-MACHINE-yyyyMMddTHHmmssZ (and a .zip of it where Compress-Archive
        exists, PowerShell 5 and later). Copy the zip (or the folder) to where tlsfit runs, then:
            tlsfit diagnose --config tlsfit-MACHINE-....zip
        What it gathers, and why: CipherSuites/collect.tsv in tlsfit's sources.
        #>
        param([switch]$Probe, [switch]$Capture, [string]$OutputFolder = '')

        """#
    }

    static let helpers = #"""
        $ErrorActionPreference = 'Continue'
        $script:items = @()

        function ConvertTo-TlsfitJson([object]$value) {
            if ($value -eq $null) { return 'null' }
            if ($value -is [bool]) { if ($value) { return 'true' } else { return 'false' } }
            if ($value -is [int]) { return [string]$value }
            $b = New-Object System.Text.StringBuilder
            [void]$b.Append('"')
            foreach ($c in ([string]$value).ToCharArray()) {
                $n = [int]$c
                if ($n -eq 34) { [void]$b.Append('\"') }
                elseif ($n -eq 92) { [void]$b.Append('\\') }
                elseif ($n -lt 32) { [void]$b.Append(('\u{0:x4}' -f $n)) }
                else { [void]$b.Append($c) }
            }
            [void]$b.Append('"')
            return $b.ToString()
        }

        function Write-TlsfitText([string]$path, [string]$text) {
            [System.IO.File]::WriteAllText($path, $text, (New-Object System.Text.UTF8Encoding($true)))
        }

        function Add-TlsfitItem([string]$id, [string]$file, [string]$status, [string]$reason) {
            $script:items += ('{"id":' + (ConvertTo-TlsfitJson $id) + ',"file":' + (ConvertTo-TlsfitJson $file) +
                ',"status":' + (ConvertTo-TlsfitJson $status) + ',"reason":' + (ConvertTo-TlsfitJson $reason) + '}')
            if ($status -eq 'collected') { Write-Host ('  collected  ' + $file) }
            else { Write-Host ('  ' + $status.PadRight(10) + ' ' + $file + ': ' + $reason) }
        }

        function Test-TlsfitCommand([string]$name) {
            return [bool](Get-Command $name -ErrorAction SilentlyContinue)
        }

        function Export-TlsfitKey([string]$id, [string]$key, [string]$file, [bool]$wow64) {
            $path = Join-Path $folder $file
            if ($wow64 -and -not $is64) { Add-TlsfitItem $id $file 'skipped' '32-bit Windows has no WOW6432Node view'; return }
            $view = @()
            if ($is64) { $view = @('/reg:64') }
            $out = & reg.exe query ('HKLM\' + $key) @view 2>&1
            if ($LASTEXITCODE -ne 0 -and $is64) { $view = @(); $out = & reg.exe query ('HKLM\' + $key) 2>&1 }
            if ($LASTEXITCODE -ne 0) { Add-TlsfitItem $id $file 'absent' ('no such key on this machine, Windows defaults apply (reg query: ' + (($out | Out-String).Trim()) + ')'); return }
            $out = & reg.exe export ('HKLM\' + $key) $path /y @view 2>&1
            if ($LASTEXITCODE -eq 0 -and (Test-Path $path)) { Add-TlsfitItem $id $file 'collected' '' }
            else { Add-TlsfitItem $id $file 'failed' ('reg export: ' + (($out | Out-String).Trim())) }
        }

        """#

    static func start(version: String) -> String {
        #"""
        $tlsfitVersion = \#(quoted(version))
        $is64 = ($env:PROCESSOR_ARCHITECTURE -ne 'x86') -or [bool]$env:PROCESSOR_ARCHITEW6432
        $elevated = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
        $now = [DateTime]::UtcNow
        $stamp = $now.ToString('yyyyMMddTHHmmssZ', [Globalization.CultureInfo]::InvariantCulture)
        if ($OutputFolder -eq '') { $OutputFolder = (Get-Location).Path }
        $folder = Join-Path $OutputFolder ('tlsfit-' + $env:COMPUTERNAME + '-' + $stamp)
        [void](New-Item -ItemType Directory -Path $folder)
        $cv = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' -ErrorAction SilentlyContinue
        $build = ''
        if ($cv) { $build = [string]$cv.CurrentBuild; if ($cv.UBR -ne $null) { $build = $build + '.' + [string]$cv.UBR } }
        $major = [Environment]::OSVersion.Version.Major
        Write-Host ('tlsfit collect ' + $tlsfitVersion + ' on ' + $env:COMPUTERNAME + ' (build ' + $build + ', PowerShell ' + $PSVersionTable.PSVersion + ') into ' + $folder)
        if (-not $elevated) { Write-Warning 'not elevated: gpresult /scope computer and some keys need Run as administrator' }
        if ($env:PROCESSOR_ARCHITEW6432) { Write-Warning 'a 32-bit PowerShell on 64-bit Windows: registry reads use /reg:64' }

        """#
    }

    static func reg(_ item: CollectItem) -> String {
        "Export-TlsfitKey \(quoted(item.id)) \(quoted(item.what)) \(quoted(item.file)) $\(item.isWow64View)\n"
    }

    static func command(_ item: CollectItem) -> String {
        let id = quoted(item.id)
        let file = quoted(item.file)
        if item.what.hasPrefix("gpresult") {
            return #"""
                # \#(item.what)
                $path = Join-Path $folder \#(file)
                if (-not (Test-TlsfitCommand 'gpresult.exe')) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'gpresult.exe not found' }
                elseif (-not $elevated) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'not elevated: gpresult /scope computer needs an administrator' }
                else {
                    $out = & gpresult.exe /scope computer /x $path /f 2>&1
                    if ($LASTEXITCODE -eq 0 -and (Test-Path $path)) { Add-TlsfitItem \#(id) \#(file) 'collected' '' }
                    else { Add-TlsfitItem \#(id) \#(file) 'failed' ('gpresult: ' + (($out | Out-String).Trim())) }
                }

                """#
        }
        let words = item.what.split(separator: " ").map(String.init)
        let exe = words[0] + ".exe"
        let arguments = words.dropFirst().map(quoted).joined(separator: " ")
        return #"""
            # \#(item.what)
            if (-not (Test-TlsfitCommand \#(quoted(exe)))) { Add-TlsfitItem \#(id) \#(file) 'skipped' \#(quoted(exe + " not found")) }
            else {
                $out = & \#(exe) \#(arguments) 2>&1 | Out-String
                if ($LASTEXITCODE -eq 0) { Write-TlsfitText (Join-Path $folder \#(file)) $out; Add-TlsfitItem \#(id) \#(file) 'collected' '' }
                else { Add-TlsfitItem \#(id) \#(file) 'failed' (\#(quoted(item.what + ": ")) + $out.Trim()) }
            }

            """#
    }

    static func cmdlet(_ item: CollectItem) -> String {
        let id = quoted(item.id)
        let file = quoted(item.file)
        let needed = item.needs.split(separator: ",").map { $0.trimmingWhitespace() }
        let check = needed.map { "(Test-TlsfitCommand \(quoted($0)))" }.joined(separator: " -and ")
        return #"""
            # \#(item.what)
            if (-not (\#(check))) { Add-TlsfitItem \#(id) \#(file) 'skipped' \#(quoted("needs " + needed.joined(separator: " and ") + " (Windows 10 / Server 2016 and later, PowerShell 3 and later)")) }
            else {
                try { Write-TlsfitText (Join-Path $folder \#(file)) ((\#(item.what)) | Out-String); Add-TlsfitItem \#(id) \#(file) 'collected' '' }
                catch { Add-TlsfitItem \#(id) \#(file) 'failed' ([string]$_) }
            }

            """#
    }

    static func log(_ item: CollectItem) -> String {
        let id = quoted(item.id)
        let file = quoted(item.file)
        return #"""
            # The WindowsUpdate.log: decoded from the agent's ETW traces on Windows 10 and later, a text file before.
            $path = Join-Path $folder \#(file)
            if ($major -ge 10) {
                if (-not (Test-TlsfitCommand 'Get-WindowsUpdateLog')) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'Get-WindowsUpdateLog not found' }
                else {
                    try { [void](Get-WindowsUpdateLog -LogPath $path); if (Test-Path $path) { Add-TlsfitItem \#(id) \#(file) 'collected' '' } else { Add-TlsfitItem \#(id) \#(file) 'failed' 'Get-WindowsUpdateLog wrote nothing' } }
                    catch { Add-TlsfitItem \#(id) \#(file) 'failed' ('Get-WindowsUpdateLog: ' + [string]$_) }
                }
            } else {
                $source = Join-Path $env:windir 'WindowsUpdate.log'
                if (Test-Path $source) { Copy-Item -LiteralPath $source -Destination $path; Add-TlsfitItem \#(id) \#(file) 'collected' '' }
                else { Add-TlsfitItem \#(id) \#(file) 'absent' ($source + ' does not exist') }
            }

            """#
    }

    static func probe(_ item: CollectItem, catalog: Catalog) -> String {
        let id = quoted(item.id)
        let file = quoted(item.file)
        func list(_ release: WindowsRelease) -> String {
            UpdateRole.client.hosts(release: release, catalog: catalog).map {
                quoted("\($0.scheme) \($0.host) \($0.port)")
            }.joined(separator: ", ")
        }
        return #"""
            # -Probe: one request to each update host through winhttp.dll with the default (netsh winhttp) proxy
            # settings, as the update agent makes them; the WinHTTP error is what Windows Update would see.
            if (-not $Probe) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'not asked for (-Probe)' }
            elseif (-not (Test-TlsfitCommand 'Add-Type')) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'Add-Type not found' }
            else {
                $hosts = @(\#(list(.windows10_22H2)))
                if ($major -lt 10) { $hosts = @(\#(list(.windows7))) }
                try {
                    Add-Type -TypeDefinition @'
            using System;
            using System.Runtime.InteropServices;
            public static class TlsfitWinHttp {
                [DllImport("winhttp.dll", SetLastError = true, CharSet = CharSet.Unicode)]
                static extern IntPtr WinHttpOpen(string agent, uint accessType, string proxy, string bypass, uint flags);
                [DllImport("winhttp.dll", SetLastError = true, CharSet = CharSet.Unicode)]
                static extern IntPtr WinHttpConnect(IntPtr session, string server, ushort port, uint reserved);
                [DllImport("winhttp.dll", SetLastError = true, CharSet = CharSet.Unicode)]
                static extern IntPtr WinHttpOpenRequest(IntPtr connect, string verb, string path, string version, string referrer, IntPtr acceptTypes, uint flags);
                [DllImport("winhttp.dll", SetLastError = true)]
                static extern bool WinHttpSetTimeouts(IntPtr handle, int resolve, int connect, int send, int receive);
                [DllImport("winhttp.dll", SetLastError = true)]
                static extern bool WinHttpSendRequest(IntPtr request, IntPtr headers, uint headersLength, IntPtr optional, uint optionalLength, uint totalLength, UIntPtr context);
                [DllImport("winhttp.dll", SetLastError = true)]
                static extern bool WinHttpReceiveResponse(IntPtr request, IntPtr reserved);
                [DllImport("winhttp.dll", SetLastError = true)]
                static extern bool WinHttpQueryHeaders(IntPtr request, uint infoLevel, IntPtr name, ref uint buffer, ref uint length, IntPtr index);
                [DllImport("winhttp.dll")]
                static extern bool WinHttpCloseHandle(IntPtr handle);

                // "stage error status": the stage that failed (open, connect, request, send, receive, ok),
                // the WinHTTP error (0 when none) and the HTTP status (0 when none).
                public static string Probe(string host, int port, bool secure) {
                    IntPtr session = WinHttpOpen("tlsfit-collect", 0, null, null, 0);
                    if (session == IntPtr.Zero) return "open " + Marshal.GetLastWin32Error() + " 0";
                    IntPtr connect = IntPtr.Zero, request = IntPtr.Zero;
                    try {
                        WinHttpSetTimeouts(session, 15000, 15000, 15000, 15000);
                        connect = WinHttpConnect(session, host, (ushort)port, 0);
                        if (connect == IntPtr.Zero) return "connect " + Marshal.GetLastWin32Error() + " 0";
                        request = WinHttpOpenRequest(connect, "GET", "/", null, null, IntPtr.Zero, secure ? 0x00800000u : 0u);
                        if (request == IntPtr.Zero) return "request " + Marshal.GetLastWin32Error() + " 0";
                        if (!WinHttpSendRequest(request, IntPtr.Zero, 0, IntPtr.Zero, 0, 0, UIntPtr.Zero)) return "send " + Marshal.GetLastWin32Error() + " 0";
                        if (!WinHttpReceiveResponse(request, IntPtr.Zero)) return "receive " + Marshal.GetLastWin32Error() + " 0";
                        uint status = 0, length = 4;
                        WinHttpQueryHeaders(request, 19 | 0x20000000, IntPtr.Zero, ref status, ref length, IntPtr.Zero);
                        return "ok 0 " + status;
                    } finally {
                        if (request != IntPtr.Zero) WinHttpCloseHandle(request);
                        if (connect != IntPtr.Zero) WinHttpCloseHandle(connect);
                        WinHttpCloseHandle(session);
                    }
                }
            }
            '@
                    $results = @()
                    foreach ($h in $hosts) {
                        $p = $h.Split(' ')
                        Write-Host ('  probing ' + $p[0] + '://' + $p[1] + ':' + $p[2])
                        $secure = ($p[0] -eq 'https')
                $r = ([TlsfitWinHttp]::Probe($p[1], [int]$p[2], $secure)).Split(' ')
                        $results += ('{"scheme":' + (ConvertTo-TlsfitJson $p[0]) + ',"host":' + (ConvertTo-TlsfitJson $p[1]) + ',"port":' + $p[2] +
                            ',"stage":' + (ConvertTo-TlsfitJson $r[0]) + ',"winhttpError":' + $r[1] + ',"httpStatus":' + $r[2] + '}')
                    }
                    Write-TlsfitText (Join-Path $folder \#(file)) ('{"tlsfitProbe":1,"stack":"winhttp.dll, WINHTTP_ACCESS_TYPE_DEFAULT_PROXY","probedAt":' +
                        (ConvertTo-TlsfitJson ([DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture))) + ',"results":[' + ($results -join ',') + ']}')
                    Add-TlsfitItem \#(id) \#(file) 'collected' ''
                } catch { Add-TlsfitItem \#(id) \#(file) 'failed' ([string]$_) }
            }

            """#
    }

    static func capture(_ item: CollectItem) -> String {
        let id = quoted(item.id)
        let file = quoted(item.file)
        return #"""
            # -Capture: the traffic of one update scan (a search through the Windows Update Agent API).
            function Invoke-TlsfitScan {
                try { [void]((New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher().Search('IsInstalled=0 and Type=''Software''')) }
                catch { Write-Host ('  the update scan failed (expected on a failing machine): ' + [string]$_) }
            }
            $captured = $false
            $why = ''
            if (-not $Capture) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'not asked for (-Capture)'; $captured = $true }
            elseif (-not $elevated) { Add-TlsfitItem \#(id) \#(file) 'skipped' 'not elevated: a capture needs an administrator'; $captured = $true }
            elseif (Test-TlsfitCommand 'pktmon.exe') {
                # pktmon's --capture, --pkt-size and etl2pcap come with Windows 10 2004 / Server 2022; before, netsh trace.
                $etl = Join-Path $env:TEMP ('tlsfit-capture-' + $stamp + '.etl')
                $out = & pktmon.exe start --capture --pkt-size 0 --file-name $etl 2>&1 | Out-String
                if ($LASTEXITCODE -ne 0) { $why = 'pktmon start: ' + $out.Trim() }
                else {
                    Invoke-TlsfitScan
                    $out = & pktmon.exe stop 2>&1 | Out-String
                    $out = & pktmon.exe etl2pcap $etl --out (Join-Path $folder \#(file)) 2>&1 | Out-String
                    if ($LASTEXITCODE -eq 0) { Add-TlsfitItem \#(id) \#(file) 'collected' ''; $captured = $true }
                    else { $why = 'pktmon etl2pcap: ' + $out.Trim() }
                }
            } else { $why = 'no pktmon' }
            if (-not $captured -and (Test-TlsfitCommand 'netsh.exe')) {
                $etl = Join-Path $folder 'capture-netsh.etl'
                $out = & netsh.exe trace start capture=yes report=disabled ('tracefile=' + $etl) 2>&1 | Out-String
                if ($LASTEXITCODE -ne 0) { Add-TlsfitItem \#(id) \#(file) 'failed' ($why + '; netsh trace start: ' + $out.Trim()) }
                else {
                    Invoke-TlsfitScan
                    $out = & netsh.exe trace stop 2>&1 | Out-String
                    Add-TlsfitItem \#(id) 'capture-netsh.etl' 'failed' ($why + ': netsh trace wrote capture-netsh.etl instead, which tlsfit cannot read; convert it with etl2pcapng (github.com/microsoft/etl2pcapng) and give the .pcapng to tlsfit hello --pcap')
                }
            } elseif (-not $captured) { Add-TlsfitItem \#(id) \#(file) 'failed' ($why + '; no netsh either') }

            """#
    }

    static let finish = #"""
        # The manifest: what was collected, what was not and why, the machine's build, the time, the script's version.
        $manifest = '{"tlsfitCollect":1,"tlsfitVersion":' + (ConvertTo-TlsfitJson $tlsfitVersion) +
            ',"machine":' + (ConvertTo-TlsfitJson $env:COMPUTERNAME) +
            ',"collectedAt":' + (ConvertTo-TlsfitJson $now.ToString('yyyy-MM-ddTHH:mm:ssZ', [Globalization.CultureInfo]::InvariantCulture)) +
            ',"build":' + (ConvertTo-TlsfitJson $build) +
            ',"productName":' + (ConvertTo-TlsfitJson ([string]$cv.ProductName)) +
            ',"powershell":' + (ConvertTo-TlsfitJson ([string]$PSVersionTable.PSVersion)) +
            ',"elevated":' + (ConvertTo-TlsfitJson $elevated) +
            ',"is64BitWindows":' + (ConvertTo-TlsfitJson $is64) +
            ',"items":[' + ($script:items -join ',') + ']}'
        Write-TlsfitText (Join-Path $folder 'manifest.json') $manifest
        if (Test-TlsfitCommand 'Compress-Archive') {
            Compress-Archive -Path $folder -DestinationPath ($folder + '.zip')
            Write-Host ('Done: ' + $folder + '.zip (copy it to where tlsfit runs: tlsfit diagnose --config ' + (Split-Path -Leaf $folder) + '.zip)')
        } else {
            Write-Host ('Done: ' + $folder + ' (no Compress-Archive before PowerShell 5: zip or copy the folder; tlsfit reads the folder as it is)')
        }

        """#
}

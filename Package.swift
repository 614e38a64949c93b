// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "tlsfit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tlsfit", targets: ["tlsfit"]),
        // For the fuzzing package in Fuzz/, which builds the parsers with the fuzzer runtime.
        .library(name: "TLSFitCore", targets: ["TLSFitCore"]),
        // For the fuzzing package too: the libxml2 reader the gpresult parser is given.
        .library(name: "TLSFitSystem", targets: ["TLSFitSystem"]),
        // For the fuzzing package too: the capture reader.
        .library(name: "TLSFitCapture", targets: ["TLSFitCapture"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // OpenSSL 3 from the system (Debian: libssl-dev).
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        // One-line C functions for the OpenSSL macros Swift cannot import.
        .target(
            name: "COpenSSLShims",
            dependencies: ["COpenSSL"],
            path: "Sources/COpenSSLShims"
        ),
        // The reviewed data files, compiled into the binary.
        .target(
            name: "CipherSuites",
            path: "CipherSuites",
            exclude: ["README.md"],
            resources: [
                .embedInCode("suites.tsv"),
                .embedInCode("windows-releases.tsv"),
                .embedInCode("windows-suites.tsv"),
                .embedInCode("windows-hello.tsv"),
                .embedInCode("update-hosts.tsv"),
                .embedInCode("update-pins.tsv"),
                .embedInCode("windows-errors.tsv"),
                .embedInCode("update-agent-proxy.tsv"),
                .embedInCode("cause-errors.tsv"),
                .embedInCode("schannel-switches.tsv"),
                .embedInCode("fix-locations.tsv"),
                .embedInCode("collect.tsv"),
                .embedInCode("server-profiles.json"),
                .embedInCode("examples/examples.tsv"),
                .embedInCode("examples/healthy.reg"),
                .embedInCode("examples/slscr-no-ecdsa-policy.reg"),
                .embedInCode("examples/wsus-2012r2-no-ecdhe-rsa.reg"),
                .embedInCode("examples/windows7-tls12-no-winhttp.reg"),
                // The demo's collect bundle: a Server 2019 machine after a hardening GPO (make-bundle.py writes it).
                .embedInCode("examples/server-2019-hardening/WindowsUpdate.log"),
                .embedInCode("examples/server-2019-hardening/authroot-autoupdate.reg"),
                .embedInCode("examples/server-2019-hardening/connections.reg"),
                .embedInCode("examples/server-2019-hardening/currentversion.reg"),
                .embedInCode("examples/server-2019-hardening/dotnet-v4-wow64.reg"),
                .embedInCode("examples/server-2019-hardening/dotnet-v4.reg"),
                .embedInCode("examples/server-2019-hardening/gpresult.xml"),
                .embedInCode("examples/server-2019-hardening/manifest.json"),
                .embedInCode("examples/server-2019-hardening/netsh-winhttp-proxy.txt"),
                .embedInCode("examples/server-2019-hardening/schannel.reg"),
                .embedInCode("examples/server-2019-hardening/ssl-local.reg"),
                .embedInCode("examples/server-2019-hardening/ssl-policy.reg"),
                .embedInCode("examples/server-2019-hardening/tls-cipher-suites.json"),
                .embedInCode("examples/server-2019-hardening/tls-ecc-curves.txt"),
                .embedInCode("examples/server-2019-hardening/winhttp-probe.json"),
            ]
        ),
        // dlopen on first use, for the C shims of libraries only some commands need (CXML, CPcap).
        .target(
            name: "CLibraryLoader",
            path: "Sources/CLibraryLoader"
        ),
        // libxml2's pull reader, for gpresult reports; libxml2 is loaded with dlopen when the first
        // XML file is read (see CXML.h), so no start of tlsfit pays for loading it and ICU.
        // Built against libxml2's headers (Debian: libxml2-dev) for its types and signatures, not
        // linked: pkgConfig "libxml-2.0" would add -lxml2 and load it (and ICU) at every start.
        .target(
            name: "CXML",
            dependencies: ["CLibraryLoader"],
            path: "Sources/CXML",
            cSettings: [
                .unsafeFlags([
                    "-I/usr/include/libxml2", "-I/usr/local/include/libxml2", "-I/opt/homebrew/opt/libxml2/include/libxml2",
                ])
            ]
        ),
        // libarchive's reader, for the zip of a `tlsfit collect` bundle; loaded with dlopen when the
        // first zip is read (see CArchive.h), as libpcap and libxml2 are.
        .target(
            name: "CArchive",
            dependencies: ["CLibraryLoader"],
            path: "Sources/CArchive"
        ),
        // Pure model and logic: values in, values out; no files, sockets, threads or OpenSSL
        // (FoundationEssentials, CipherSuites and Synchronization only; CorePurityTests checks it).
        .target(
            name: "TLSFitCore",
            dependencies: ["CipherSuites"]
        ),
        // What the core leaves to its callers: files, folders, zips, standard error, threads, libxml2.
        .target(
            name: "TLSFitSystem",
            dependencies: ["TLSFitCore", "CXML", "CArchive"]
        ),
        // The only module that talks to OpenSSL.
        .target(
            name: "TLSFitHandshake",
            dependencies: ["TLSFitCore", "TLSFitSystem", "COpenSSL", "COpenSSLShims"]
        ),
        // libpcap from the system (Debian: libpcap-dev), for reading capture files: its header at
        // build time, the library itself loaded with dlopen when a capture is opened (see CPcap.h).
        .target(
            name: "CPcap",
            dependencies: ["CLibraryLoader"],
            path: "Sources/CPcap"
        ),
        // The only module that touches libpcap: the ClientHellos in a pcap or pcapng file. No OpenSSL.
        .target(
            name: "TLSFitCapture",
            dependencies: ["CPcap"]
        ),
        // Renderers: text, JSON, Markdown, HTML, JUnit, CSV.
        .target(
            name: "TLSFitReports",
            dependencies: ["TLSFitCore"]
        ),
        // Plans in, report values out: diagnose, probe, report, scan, hello and the lab servers, for the
        // CLI and the tests (TLSFitEnginesTests).
        .target(
            name: "TLSFitEngines",
            dependencies: ["TLSFitCore", "TLSFitHandshake", "TLSFitCapture", "TLSFitSystem"]
        ),
        .executableTarget(
            name: "tlsfit",
            dependencies: [
                "TLSFitCore", "TLSFitSystem", "TLSFitHandshake", "TLSFitEngines", "TLSFitReports", "TLSFitCapture",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Zips written by Python's zipfile, for the bundle reader's tests (no dependency, so the
        // core's tests stay free of OpenSSL).
        .target(
            name: "TLSFitTestZips",
            path: "Tests/TLSFitTestZips"
        ),
        .testTarget(
            name: "TLSFitCoreTests",
            dependencies: ["TLSFitCore", "TLSFitSystem", "TLSFitTestZips"],
            resources: [.copy("Fixtures")]
        ),
        // Servers and certificates the tests start and make: shared by the test targets.
        .target(
            name: "TLSFitTestSupport",
            dependencies: ["TLSFitHandshake"],
            path: "Tests/TLSFitTestSupport"
        ),
        .testTarget(
            name: "TLSFitHandshakeTests",
            dependencies: ["TLSFitCore", "TLSFitHandshake", "TLSFitTestSupport", "COpenSSL", "COpenSSLShims"]
        ),
        .testTarget(
            name: "TLSFitCaptureTests",
            dependencies: ["TLSFitCapture", "TLSFitCore", "TLSFitHandshake", "TLSFitTestSupport", "TLSFitTestZips", "tlsfit"],
            exclude: ["SchannelCaptures.md"]
        ),
        // The engines against servers on 127.0.0.1: plans in, report values out.
        .testTarget(
            name: "TLSFitEnginesTests",
            dependencies: ["TLSFitCore", "TLSFitEngines", "TLSFitHandshake", "TLSFitTestSupport"]
        ),
        .testTarget(
            name: "TLSFitReportsTests",
            dependencies: ["TLSFitCore", "TLSFitReports"]
        ),
        .testTarget(
            name: "TLSFitCLITests",
            dependencies: ["tlsfit", "TLSFitCore", "TLSFitHandshake", "TLSFitTestSupport", "TLSFitTestZips"],
            // Read from the source tree (#filePath), so TLSFIT_UPDATE_GOLDEN=1 can rewrite the golden files.
            exclude: ["Fixtures", "Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

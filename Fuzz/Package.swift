// swift-tools-version: 6.0
// libFuzzer targets for tlsfit's parsers. Kept apart from the root package so that its
// `swift build` and `swift test` never need the fuzzer runtime. Build and run with
// `Fuzz/run-fuzzers.sh`; see Fuzz/README.md.
import PackageDescription

/// One executable per parser, `fuzz-<name>`, its `main` in Sources/fuzz-<name>/Entry.swift.
let names = ["regedit", "pol", "gpresult", "suites-text", "suites-json", "cipherlist", "hostport", "server-profile", "windows-config", "capture"]

let package = Package(
    name: "tlsfit-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tlsfit", path: "..")
    ],
    targets: [
        // What each target feeds its input to; shared so the regression tests and the fuzzers agree.
        .target(
            name: "FuzzTargets",
            dependencies: [
                .product(name: "TLSFitCore", package: "tlsfit"), .product(name: "TLSFitCapture", package: "tlsfit"),
                .product(name: "TLSFitSystem", package: "tlsfit"),
            ]
        ),
        // Declares libFuzzer's driver entry, which the runtime defines.
        .target(name: "CFuzzerDriver"),
    ] + names.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzTargets", "CFuzzerDriver"])
    },
    swiftLanguageModes: [.v6]
)

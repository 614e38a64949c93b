import ArgumentParser
import Foundation
import TLSFitCore
import TLSFitHandshake
import TLSFitReports

/// `tlsfit diagnose`: why a Windows client gets 0x80072EFE (and friends) from a host, with the evidence and the fix.
struct DiagnoseCommand: AsyncParsableCommand {
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json, markdown, html
    }
}

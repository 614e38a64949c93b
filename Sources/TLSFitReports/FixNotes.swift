import TLSFitCore

/// The sentences about a fix that the text, Markdown and HTML renderers share (each adds its own
/// markup and punctuation).
enum FixNotes {
    /// What the simulation says of a fix with registry changes; `index` is the cause's place (the
    /// fixes of the causes above it count too).
    static func simulation(_ fix: Fix, index: Int) -> String {
        "Checked by simulation: "
            + (fix.verified
                ? "the handshake succeeds with this fix\(index > 0 ? " and the ones above" : "")"
                : "not enough on its own; see the next cause")
    }

    static let confirmedOnWire = "Confirmed on the wire: with the fix applied, a real handshake succeeds."
    /// After a "Warning" label.
    static let failsOnWire = "with the fix applied, the real handshake still fails."
}

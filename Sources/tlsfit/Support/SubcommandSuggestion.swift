import ArgumentParser
import TLSFitCore

/// ArgumentParser answers a mistyped subcommand (`tlsfit diagnos`) with "unexpected argument":
/// this names the command tree's nearest subcommands instead, before anything is parsed.
enum SubcommandSuggestion {
    /// The message for the first word that should name a subcommand and names none; nil when the
    /// words are fine (or are options, which ArgumentParser explains itself).
    static func message(for arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path = [root.configuration.commandName ?? "tlsfit"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
            let names = subcommands.compactMap { $0.configuration.commandName } + ["help"]
            guard
                let next = subcommands.first(where: {
                    $0.configuration.commandName == word || $0.configuration.aliases.contains(word)
                })
            else {
                if word == "help" { return nil }
                return
                    "'\(word)' is not a \(path.joined(separator: " ")) command\(NameSuggestions.hint(for: word, among: names)); commands: \(names.filter { $0 != "help" }.joined(separator: ", "))"
            }
            command = next
            path.append(word)
        }
        return nil
    }
}

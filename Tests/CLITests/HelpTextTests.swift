import Foundation
import Testing

/// Every help screen as a user sees it in an 80-column terminal: paragraphs
/// that wrap, not hand-broken lines that argument-parser re-wraps into
/// ragged ones ("…first/second\nwith\nthe t interval"), and format options
/// whose help names the values they take.
@Suite struct HelpTextTests {
    /// Every command path, found as a user would: from each help's SUBCOMMANDS.
    static func commandPaths() throws -> [[String]] {
        var paths: [[String]] = [], queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            paths.append(path)
            let help = try help(path)
            guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { continue }
            for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.trimmingCharacters(in: .whitespaces).isEmpty { break }
                guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
                let name = line.dropFirst(2).prefix { $0.isLetter || $0 == "-" }
                if !name.isEmpty { queue.append(path + [String(name)]) }
            }
        }
        return paths
    }

    static func help(_ path: [String]) throws -> String {
        let r = try CLI.run(path + ["--help"], environment: ["COLUMNS": "80"])
        #expect(r.status == 0, "ffbench \(path.joined(separator: " ")) --help: \(r.stderr)")
        return r.stdout
    }

    /// A line of one or two words with the paragraph going on below it at
    /// the same indentation: a hand-made line break that wrapping undid.
    static func raggedLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ s: String) -> Int { s.prefix { $0 == " " }.count }
        var found: [String] = []
        for (line, next) in zip(lines, lines.dropFirst()) {
            // An indented line (an example command) wrapped onto the margin.
            if indent(line) >= 2, !next.trimmingCharacters(in: .whitespaces).isEmpty, indent(next) == 0 {
                found.append("example '\(line.trimmingCharacters(in: .whitespaces))' broken before '\(next)'")
                continue
            }
            let words = line.split(separator: " ")
            guard (1...2).contains(words.count), !line.hasSuffix(":"),
                  !next.trimmingCharacters(in: .whitespaces).isEmpty, indent(next) == indent(line),
                  !next.trimmingCharacters(in: .whitespaces).hasPrefix("-") else { continue }
            found.append("'\(line.trimmingCharacters(in: .whitespaces))' before '\(next.trimmingCharacters(in: .whitespaces))'")
        }
        return found
    }

    @Test func theDetectorSeesTheReportedCase() {
        let ragged = "  The first group seen in the file is compared with the second. --estimand\n  ratio (positive values: time, memory) gives the geometric-mean ratio first/second\n  with\n  the t interval on logs\n"
        #expect(Self.raggedLines(ragged) == ["'with' before 'the t interval on logs'"])
        #expect(Self.raggedLines("  Example:\n    ffbench x\n\n  A line that ends a paragraph.\n  --db <db>   The run\n              database.\n").isEmpty)
        #expect(Self.raggedLines("Example:\n  ffbench stats compare times.csv --paired-by\nseed\n") == ["example 'ffbench stats compare times.csv --paired-by' broken before 'seed'"])
    }

    @Test func everyHelpScreenWrapsAsParagraphsAt80Columns() throws {
        let paths = try Self.commandPaths()
        #expect(paths.count >= 30, "found \(paths.count) commands")
        for path in paths {
            let text = try Self.help(path)
            let name = (["ffbench"] + path).joined(separator: " ")
            #expect(Self.raggedLines(text).isEmpty, "\(name) --help: \(Self.raggedLines(text))")
            // argument-parser prints the usage line whole, however long.
            let wide = text.split(separator: "\n").filter { $0.count > 80 && !$0.hasPrefix("USAGE:") }
            #expect(wide.isEmpty, "\(name) --help: lines over 80 columns: \(wide)")
        }
    }

    /// "Output format: table or json" over values `text, json` told the user
    /// a value the option refuses.
    @Test func formatHelpNamesTheValuesItTakes() throws {
        var checked = 0
        defer { #expect(checked >= 10, "only \(checked) help screens have an output format") }
        for path in try Self.commandPaths() {
            let flat = try Self.help(path).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard let said = flat.range(of: "Output format: ") else { continue }
            let rest = flat[said.upperBound...]
            let named = rest.prefix { $0 != "." && $0 != "(" }
                .replacingOccurrences(of: " or ", with: ",").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let values = rest.range(of: "(values: ") else { Issue.record("\(path): no values listed"); continue }
            checked += 1
            let taken = rest[values.upperBound...].prefix { $0 != ";" && $0 != ")" }.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(Set(named) == Set(taken), "ffbench \(path.joined(separator: " ")): help says \(named), takes \(taken)")
        }
    }
}

import Foundation

/// A command arm's words with `{seed}`-style placeholders and
/// `${NAME}` / `${NAME:-default}` environment references, expanded where
/// the command runs (so a Slurm node's FFBENCH_PYTHON is the one used).
public enum CommandTemplate {
    public static let placeholders = ["seed", "epochs", "layers", "batch-size", "dataset", "data-dir", "threads", "spec-dir"]

    /// The first `{name}` in the words that is not a placeholder.
    public static func unknownPlaceholder(in words: [String]) -> String? {
        for word in words {
            for name in names(in: word) where !placeholders.contains(name) { return name }
        }
        return nil
    }

    /// `{name}` references: lowercase letters and dashes between braces
    /// (so JSON or shell braces in an argument are left alone).
    static func names(in word: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: "\\{([a-z][a-z-]*)\\}") else { return [] }
        let ns = word as NSString
        return regex.matches(in: word, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) }
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case missingValue(placeholder: String)
        case unsetVariable(String)

        public var description: String {
            switch self {
            case .missingValue(let p): "command: {\(p)} has no value for this run"
            case .unsetVariable(let v): "command: ${\(v)} is not set (give a default with ${\(v):-value})"
            }
        }
    }

    /// Every word with its placeholders replaced by `values` and its
    /// environment references by `environment`.
    public static func expand(_ words: [String], values: [String: String], environment: [String: String]) throws(Failure) -> [String] {
        var out: [String] = []
        for word in words {
            var w = try expandVariables(word, environment: environment)
            for name in names(in: w) where placeholders.contains(name) {
                guard let v = values[name] else { throw .missingValue(placeholder: name) }
                w = w.replacingOccurrences(of: "{\(name)}", with: v)
            }
            out.append(w)
        }
        return out
    }

    static func expandVariables(_ word: String, environment: [String: String]) throws(Failure) -> String {
        var result = ""
        var rest = Substring(word)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].firstIndex(of: "}") else { return result + rest[start.lowerBound...] }
            let body = rest[start.upperBound..<close]
            let (name, fallback): (Substring, Substring?) = body.range(of: ":-").map { (body[..<$0.lowerBound], body[$0.upperBound...]) } ?? (body, nil)
            if let v = environment[String(name)], !v.isEmpty { result += v }
            else if let fallback { result += fallback }
            else { throw .unsetVariable(String(name)) }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

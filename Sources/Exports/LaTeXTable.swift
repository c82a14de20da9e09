/// A booktabs table in plain LaTeX (booktabs is the only package it needs):
/// text escaped, numbers as given.
public struct LaTeXTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Column alignment, e.g. "llrr"; left for every column when nil.
    public var alignment: String?

    public init(header: [String], rows: [[String]], alignment: String? = nil) {
        self.header = header
        self.rows = rows
        self.alignment = alignment
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\textbackslash{}"
            case "_", "%", "&", "#", "$", "{", "}": out += "\\\(c)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "×": out += "$\\times$"
            case "±": out += "$\\pm$"
            case "–": out += "--"
            case "−": out += "$-$"
            case "≤": out += "$\\le$"
            case "<": out += "$<$"
            case ">": out += "$>$"
            case "δ": out += "$\\delta$"
            case "τ": out += "$\\tau$"
            case "\u{2009}": out += "\\,"
            default: out.append(c)
            }
        }
        return out
    }

    public func render() -> String {
        let align = alignment ?? String(repeating: "l", count: header.count)
        var lines = ["\\begin{tabular}{\(align)}", "\\toprule", header.map(Self.escape).joined(separator: " & ") + " \\\\", "\\midrule"]
        for row in rows { lines.append(row.map(Self.escape).joined(separator: " & ") + " \\\\") }
        lines += ["\\bottomrule", "\\end{tabular}"]
        return lines.joined(separator: "\n") + "\n"
    }
}

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

    /// - Parameter escaped: the cells are LaTeX already.
    public func render(escaped: Bool = false) -> String {
        let align = alignment ?? String(repeating: "l", count: header.count)
        func cell(_ s: String) -> String { escaped ? s : Self.escape(s) }
        var lines = ["\\begin{tabular}{\(align)}", "\\toprule", header.map(cell).joined(separator: " & ") + " \\\\", "\\midrule"]
        for row in rows { lines.append(row.map(cell).joined(separator: " & ") + " \\\\") }
        lines += ["\\bottomrule", "\\end{tabular}"]
        return lines.joined(separator: "\n") + "\n"
    }
}

import Exports

/// The report for a thesis: `report.tex`, a fragment to `\input` (the
/// answer's sentences, the results tables and the figures, numbered and
/// captioned), and `tables/results.tex` with the tables alone. Plain
/// LaTeX with booktabs and graphicx: it compiles with a minimal TeX install.
enum LaTeXReport {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "’": out += "'"
            case "‘": out += "`"
            case "—": out += "---"
            case "·": out += "$\\cdot$"
            case "…": out += "\\dots{}"
            case "≈": out += "$\\approx$"
            case "≥": out += "$\\ge$"
            case "†": out += "\\textdagger{}"
            case "⚠": out += ""
            default: out += LaTeXTable.escape(String(c))
            }
        }
        return out
    }

    static func table(_ t: ReportDocument.Table) -> String {
        let align = t.header.indices.map { t.numeric.contains($0) ? "r" : "l" }.joined()
        let body = LaTeXTable(header: t.header.map(escape), rows: t.rows.map { $0.map(escape) }, alignment: align).render(escaped: true)
        return """
        \\begin{table}[htbp]
        \\centering\\footnotesize\\setlength{\\tabcolsep}{3pt}
        \\caption{\(escape(t.caption))}
        \\label{ffbench:\(t.id)}
        \(body)\\end{table}

        """
    }

    static func results(_ doc: ReportDocument) -> String {
        "% Results tables written by ffbench report (needs \\usepackage{booktabs}).\n\n" + doc.tables.map(table).joined(separator: "\n")
    }

    static func fragment(_ doc: ReportDocument) -> String {
        var out = ["% Written by ffbench report: \\input{report} from a document that loads booktabs and graphicx,",
                   "% with this folder as the working directory (figures/ and tables/ beside it).", ""]
        for section in doc.sections where section.id == "answer" || section.id == "results" {
            out.append("\\section{\(escape(section.title))}")
            for b in section.blocks {
                switch b {
                case .subheading(let s): out.append("\\subsection*{\(escape(s))}")
                case .paragraph(let s): out += [escape(s), ""]
                case .warning(let s): out += ["\\textbf{Warning:} \(escape(s))", ""]
                case .bullets(let items): out += ["\\begin{itemize}"] + items.map { "  \\item \(escape($0))" } + ["\\end{itemize}", ""]
                case .table(let t): out.append(table(t))
                case .figure(let f):
                    out += ["\\begin{figure}[htbp]", "\\centering",
                            "\\includegraphics[width=\(f.chart.size.width > 300 ? "\\linewidth" : "0.6\\linewidth")]{figures/\(f.name).pdf}",
                            "\\caption{\(escape(f.caption))}", "\\label{ffbench:\(f.id)}", "\\end{figure}", ""]
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

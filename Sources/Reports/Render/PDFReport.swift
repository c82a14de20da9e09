import Charts

/// The report document as a typeset PDF: title block and the answer on
/// the first page, then the results with their numbered tables and
/// figures, methods, the paper's figures and the machines.
enum PDFReport {
    static func write(_ doc: ReportDocument, to path: String, paper: Typesetter.Paper, date: String) throws {
        let t = Typesetter(paper: paper)
        t.paragraph(doc.title, Typesetter.Font(size: 19, bold: true), after: 6)
        t.paragraph(doc.question, Typesetter.Font(size: 11, italic: true), after: 4)
        t.paragraph(doc.meta, Typesetter.Font(size: 8.5, gray: 0.35), after: 8)
        t.rule(weight: 0.8, after: 10)
        for (k, section) in doc.sections.enumerated() {
            t.heading("\(k + 1)  \(section.title)", Typesetter.Font(size: 13.5, bold: true), before: 14, after: 7)
            var pending: [ReportDocument.Figure] = []
            func flush() {
                // Single-column figures go two to a row.
                var i = 0
                while i < pending.count {
                    let a = pending[i]
                    if i + 1 < pending.count, a.chart.size == .singleColumn, pending[i + 1].chart.size == .singleColumn {
                        t.figures([(a.chart, caption(a)), (pending[i + 1].chart, caption(pending[i + 1]))])
                        i += 2
                    } else {
                        t.figures([(a.chart, caption(a))])
                        i += 1
                    }
                }
                pending.removeAll()
            }
            for block in section.blocks {
                if case .figure(let f) = block { pending.append(f); continue }
                flush()
                switch block {
                case .subheading(let s): t.heading(s, Typesetter.Font(size: 10.5, bold: true), before: 8, after: 4, keep: 60)
                case .paragraph(let s): t.paragraph(s)
                case .bullets(let items): t.bullets(items)
                case .warning(let s): t.paragraph("⚠ " + s, Typesetter.Font(size: 9, bold: true))
                case .table(let table):
                    t.table(caption: "\(table.label). \(table.caption)", header: table.header, rows: table.rows, numeric: table.numeric)
                case .figure: break
                }
            }
            flush()
        }
        try t.write(to: path, title: doc.title, date: date) { page, pages in "\(doc.title) · page \(page) of \(pages)" }
    }

    static func caption(_ f: ReportDocument.Figure) -> String { "\(f.label). \(f.caption)" }
}

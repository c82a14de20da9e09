import Charts

/// A report as a document: numbered sections of blocks, with numbered
/// tables and figures. HTML, PDF and LaTeX are all rendered from this one
/// value, so every table and figure of one is in the others.
public struct ReportDocument: Sendable {
    public struct Table: Sendable {
        public var number: Int
        public var caption: String
        public var header: [String]
        public var rows: [[String]]
        /// Columns holding numbers (right-aligned).
        public var numeric: Set<Int>
        public var id: String { "table-\(number)" }
        public var label: String { "Table \(number)" }
    }

    public struct Figure: Sendable {
        public var number: Int
        /// File stem under figures/.
        public var name: String
        public var caption: String
        public var chart: Chart
        public var id: String { "figure-\(number)" }
        public var label: String { "Figure \(number)" }
    }

    public enum Block: Sendable {
        case subheading(String)
        case paragraph(String)
        case bullets([String])
        case warning(String)
        case table(Table)
        case figure(Figure)
    }

    public struct Section: Sendable {
        public var id: String
        public var title: String
        public var blocks: [Block]
    }

    public var title: String
    public var question: String
    public var meta: String
    public var sections: [Section]

    public var tables: [Table] {
        sections.flatMap(\.blocks).compactMap { if case .table(let t) = $0 { return t } else { return nil } }
    }

    public var figures: [Figure] {
        sections.flatMap(\.blocks).compactMap { if case .figure(let f) = $0 { return f } else { return nil } }
    }

    /// The answer's sentences, in order (what a thesis quotes).
    public var answerSentences: [String] {
        sections.first { $0.id == "answer" }?.blocks.flatMap { b -> [String] in
            if case .bullets(let items) = b { return items } else { return [] }
        } ?? []
    }
}

/// Hands out table and figure numbers in document order.
struct Numbering {
    private(set) var tables = 0
    private(set) var figures = 0

    mutating func table(_ caption: String, header: [String], rows: [[String]], numeric: Set<Int>) -> ReportDocument.Table {
        tables += 1
        return .init(number: tables, caption: caption, header: header, rows: rows, numeric: numeric)
    }

    mutating func figure(_ f: Figures.Figure) -> ReportDocument.Figure {
        figures += 1
        return .init(number: figures, name: f.name, caption: f.caption, chart: f.chart)
    }
}

import Foundation

/// Renders comparisons as a terminal table, CSV (one row per comparison)
/// or a LaTeX booktabs table.
public enum ComparisonFormat {
    static func num(_ v: Double?, _ digits: Int = 4) -> String {
        guard let v, v.isFinite else { return v.map { $0 > 0 ? "inf" : "-inf" } ?? "" }
        return String(format: "%.\(digits)g", v)
    }

    static func p(_ v: Double?) -> String {
        guard let v else { return "" }
        return v < 0.001 ? "<0.001" : String(format: "%.3f", v)
    }

    public static let csvHeader = ["dataset", "configuration", "metric", "n_ff", "n_bp", "censored_ff", "censored_bp",
                                   "mean_ff", "sd_ff", "mean_bp", "sd_bp", "median_ff", "median_bp",
                                   "difference", "difference_low", "difference_high", "ratio", "ratio_low", "ratio_high",
                                   "test", "statistic", "p", "p_adjusted", "hedges_g", "hedges_g_low", "hedges_g_high",
                                   "cliffs_delta", "cliffs_magnitude", "test_reason"]

    public static func csvRow(_ r: GroupComparison) -> [String] {
        let d = r.describe
        let a = d.first, b = d.count > 1 ? d[1] : nil
        return [r.dataset ?? "", r.configuration ?? "", r.metric, String(r.n[0]), String(r.n[1]),
                String(r.censored[0]), String(r.censored[1]),
                num(a?.mean, 10), num(a?.sd, 10), num(b?.mean, 10), num(b?.sd, 10), num(a?.median, 10), num(b?.median, 10),
                num(r.difference?.estimate, 10), num(r.difference?.low, 10), num(r.difference?.high, 10),
                num(r.ratio?.estimate, 10), num(r.ratio?.low, 10), num(r.ratio?.high, 10),
                r.test?.test ?? "", num(r.test?.statistic, 10), num(r.test?.pValue, 10), num(r.pAdjusted, 10),
                num(r.hedgesG?.g, 10), num(r.hedgesG?.low, 10), num(r.hedgesG?.high, 10),
                num(r.cliffsDelta?.delta, 10), r.cliffsDelta?.magnitude ?? "", r.testReason]
    }

    public static func csv(_ results: [GroupComparison]) -> String {
        ([csvHeader] + results.map(csvRow)).map { row in row.map(escapeCSV).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    static func escapeCSV(_ s: String) -> String {
        s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func table(_ results: [GroupComparison]) -> String {
        var rows = [["dataset", "config", "metric", "n", "FF mean ± SD", "BP mean ± SD", "FF/BP (95% CI)", "test", "p", "p adj", "g", "Cliff δ"]]
        for r in results {
            let d = r.describe
            func ms(_ i: Int) -> String { d.count > i ? "\(num(d[i].mean)) ± \(num(d[i].sd))" : "-" }
            let ratio = r.ratio.map { "\(num($0.estimate, 3)) (\(num($0.low, 3))–\(num($0.high, 3)))" } ?? "-"
            rows.append([r.dataset ?? "-", r.configuration ?? "-", r.metric, "\(r.n[0])/\(r.n[1])", ms(0), ms(1), ratio,
                         r.test?.test ?? "-", p(r.test?.pValue), p(r.pAdjusted), num(r.hedgesG?.g, 3),
                         r.cliffsDelta.map { "\(num($0.delta, 2)) \($0.magnitude)" } ?? "-"])
        }
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    public static func latex(_ results: [GroupComparison]) -> String {
        func tex(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\textbackslash{}").replacingOccurrences(of: "_", with: "\\_")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "&", with: "\\&")
        }
        var lines = ["\\begin{tabular}{lllrrrllrr}", "\\toprule",
                     "Data set & Config & Metric & $n$ & FF mean $\\pm$ SD & BP mean $\\pm$ SD & FF/BP (95\\,\\% CI) & Test & $p_\\text{adj}$ & $g$ \\\\",
                     "\\midrule"]
        for r in results {
            let d = r.describe
            func ms(_ i: Int) -> String { d.count > i ? "\(num(d[i].mean)) $\\pm$ \(num(d[i].sd))" : "--" }
            let ratio = r.ratio.map { "\(num($0.estimate, 3)) (\(num($0.low, 3))--\(num($0.high, 3)))" } ?? "--"
            lines.append([tex(r.dataset ?? "--"), tex(r.configuration ?? "--"), tex(r.metric), "\(r.n[0])/\(r.n[1])", ms(0), ms(1),
                          ratio, tex(r.test?.test ?? "--"), p(r.pAdjusted).replacingOccurrences(of: "<", with: "$<$"),
                          num(r.hedgesG?.g, 3)].joined(separator: " & ") + " \\\\")
        }
        lines += ["\\bottomrule", "\\end{tabular}"]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A CSV file with a header row (RFC 4180 quoting).
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String), empty(String), missingColumn(String, String, [String]), badNumber(String, String, Int, String)
        public var description: String {
            switch self {
            case .unreadable(let p): "\(p): cannot be read"
            case .empty(let p): "\(p): no header row"
            case .missingColumn(let p, let c, let have): "\(p): no column '\(c)' (columns: \(have.joined(separator: ", ")))"
            case .badNumber(let p, let c, let line, let v): "\(p): line \(line), column '\(c)': '\(v)' is not a number"
            }
        }
    }

    public init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure.unreadable(path) }
        var records: [[String]] = []
        var field = "", record: [String] = [], quoted = false
        var chars = text.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { record.append(field); field = "" }
                            else if next == "\n" || next == "\r\n" { record.append(field); records.append(record); record = []; field = "" }
                            else { field.append(next) }
                        }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" && field.isEmpty { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { record.append(field); records.append(record); record = []; field = "" }
            else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        records = records.filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let first = records.first else { throw Failure.empty(path) }
        header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = Array(records.dropFirst())
        self.path = path
    }

    let path: String

    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else { throw Failure.missingColumn(path, name, header) }
        return i
    }

    public func numbers(_ name: String) throws -> [Double] {
        let i = try column(name)
        return try rows.enumerated().map { line, row in
            let text = i < row.count ? row[i].trimmingCharacters(in: .whitespaces) : ""
            guard let v = Double(text), v.isFinite else { throw Failure.badNumber(path, name, line + 2, text) }
            return v
        }
    }

    public func strings(_ name: String) throws -> [String] {
        let i = try column(name)
        return rows.map { i < $0.count ? $0[i] : "" }
    }
}

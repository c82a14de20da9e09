import Foundation

/// RFC 4180 CSV: every CSV ffbench writes goes through `CSV.write`, every
/// CSV it reads through `CSV.parse`. Fields with a comma, a quote, CR or LF
/// are quoted, quotes doubled; lines end in LF; UTF-8 without a BOM.
public enum CSV {
    public static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func write(header: [String], rows: [[String]]) -> String {
        var out = ""
        for row in [header] + rows { out += row.map(field).joined(separator: ",") + "\n" }
        return out
    }

    /// Records of a CSV text (quoted fields may hold commas, quotes and line
    /// breaks); a UTF-8 BOM and a final line break are ignored. Linear in the
    /// text's length.
    public static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var field = [UInt8](), record: [String] = []
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0, quoted = false, wasQuoted = false
        func endField() { record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); wasQuoted = false }
        func endRecord() { endField(); records.append(record); record = [] }
        while i < bytes.count {
            let c = bytes[i]
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == UInt8(ascii: "\"") && field.isEmpty && !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if c == UInt8(ascii: ",") {
                endField()
            } else if c == UInt8(ascii: "\n") {
                endRecord()
            } else if c == UInt8(ascii: "\r") {
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                endRecord()
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty || wasQuoted { endRecord() }
        return records.filter { !($0.count == 1 && $0[0].isEmpty) }
    }
}

/// A CSV file with a header row, for `ffbench stats`.
public struct CSVTable: Sendable {
    public let path: String
    public let header: [String]
    public let rows: [[String]]

    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String), empty(String), missingColumn(String, String, [String]), badNumber(String, String, Int, String)
        case duplicateColumn(String, String), extraFields(String, Int, Int, Int), tooLarge(String, String, Int, String)
        public var description: String {
            switch self {
            case .unreadable(let p): "\(p): cannot be read"
            case .empty(let p): "\(p): no header row"
            case .missingColumn(let p, let c, let have): "\(p): no column '\(c)' (columns: \(have.joined(separator: ", ")))"
            case .badNumber(let p, let c, let line, let v): "\(p): line \(line), column '\(c)': '\(v.prefix(40))' is not a finite decimal number"
            case .tooLarge(let p, let c, let line, let v): "\(p): line \(line), column '\(c)': \(v.prefix(40)) is beyond ±1e150, where sums of squares overflow"
            case .duplicateColumn(let p, let c): "\(p): column '\(c.prefix(40))' appears twice in the header"
            case .extraFields(let p, let line, let n, let columns): "\(p): line \(line) has \(n) fields, the header \(columns)"
            }
        }
    }

    public init(path: String) throws(Failure) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        let records = CSV.parse(String(decoding: data, as: UTF8.self))
        guard let first = records.first else { throw .empty(path) }
        self.path = path
        header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted { throw .duplicateColumn(path, name) }
        rows = Array(records.dropFirst())
        // A row wider than the header has a value no column names: the file is not what it seems.
        if let (line, row) = rows.enumerated().first(where: { $0.element.count > header.count }) {
            throw .extraFields(path, line + 2, row.count, header.count)
        }
    }

    public func column(_ name: String) throws(Failure) -> Int {
        guard let i = header.firstIndex(of: name) else { throw .missingColumn(path, name, header) }
        return i
    }

    public func numbers(_ name: String) throws(Failure) -> [Double] {
        let i = try column(name)
        var out: [Double] = []
        out.reserveCapacity(rows.count)
        for (line, row) in rows.enumerated() {
            let text = i < row.count ? row[i].trimmingCharacters(in: .whitespaces) : ""
            // Decimal notation only: Double("0x1p3") is 8, and "nan" or "inf" are no measurement.
            guard text.allSatisfy({ "0123456789+-.eE".contains($0) }), let v = Double(text), v.isFinite else {
                throw .badNumber(path, name, line + 2, text)
            }
            // Means and variances square and sum the values: beyond this they overflow and come out as nan.
            guard abs(v) <= 1e150 else { throw .tooLarge(path, name, line + 2, text) }
            out.append(v)
        }
        return out
    }

    public func strings(_ name: String) throws(Failure) -> [String] {
        let i = try column(name)
        return rows.map { i < $0.count ? $0[i] : "" }
    }
}

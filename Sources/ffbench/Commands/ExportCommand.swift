import Analysis
import Exports
import ArgumentParser
import Foundation
import GRDB
import RunStore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export runs, epochs, samples or comparisons as CSV or JSON for R or pandas.",
        discussion: """
        Columns are those of the database tables (docs/schema.md); comparisons are
        those of ffbench compare (docs/analysis.md).

        Example:
          ffbench export --db Runs/quickstart.sqlite --what epochs --format csv -o epochs.csv
        """
    )

    enum What: String, ExpressibleByArgument, CaseIterable { case runs, epochs, samples, comparisons }
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @Option(help: "The run database.") var db: String
    @Option(help: "What to export: runs, epochs, samples or comparisons.") var what: What
    @Option(help: "csv or json.") var format: Format = .csv
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var plan: PlanOptions

    func run() throws {
        let store = try RunStore.openExisting(db)
        let text: String
        if what == .comparisons {
            let report = try StudyComparison.load(store: store, study: nil, overrides: try plan.overrides())
            text = format == .csv ? CSV.write(header: ComparisonRows.machineHeader, rows: ComparisonRows.machine(report.comparisons))
                : try JSONOutput.string(report.comparisons)
        } else {
            let rows = try store.read { try Row.fetchAll($0, sql: "SELECT * FROM \(what.rawValue) ORDER BY rowid") }
            let columns = try store.read { db in try db.columns(in: what.rawValue).map(\.name) }
            text = format == .csv ? Self.csv(columns, rows) : try Self.json(columns, rows)
        }
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw RunFailure("\(output): cannot write: \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }

    static func csv(_ columns: [String], _ rows: [Row]) -> String {
        func cell(_ v: DatabaseValue) -> String {
            switch v.storage {
            case .null: return ""
            case .int64(let i): return String(i)
            case .double(let d): return String(d)
            case .string(let s): return s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            case .blob: return ""
            }
        }
        var out = columns.joined(separator: ",") + "\n"
        for row in rows { out += columns.map { cell(row[$0] as DatabaseValue) }.joined(separator: ",") + "\n" }
        return out
    }

    static func json(_ columns: [String], _ rows: [Row]) throws -> String {
        let objects: [[String: Any]] = rows.map { row in
            var o: [String: Any] = [:]
            for c in columns {
                switch (row[c] as DatabaseValue).storage {
                case .null: o[c] = NSNull()
                case .int64(let i): o[c] = i
                case .double(let d): o[c] = d
                case .string(let s): o[c] = s
                case .blob: o[c] = NSNull()
                }
            }
            return o
        }
        let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

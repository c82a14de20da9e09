import Analysis
import ArgumentParser
import Foundation
import RunStore

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, latex
}

extension MultipleComparisons.Method: ExpressibleByArgument {}

func emit(_ results: [GroupComparison], json: Encodable, format: ReportFormat) throws {
    switch format {
    case .table: print(ComparisonFormat.table(results))
    case .json: try Console.printJSON(json)
    case .csv: print(ComparisonFormat.csv(results), terminator: "")
    case .latex: print(ComparisonFormat.latex(results), terminator: "")
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Every FF-vs-BP comparison in a run database, with CIs, tests, effect sizes and Holm-adjusted p-values.",
        discussion: """
        Completed runs are grouped by data set, layers and batch size; FF is compared
        with BP on each metric. The test is chosen on the data's merits: Welch's t
        (paired t when runs pair by seed) when both groups pass Shapiro-Wilk at 0.05,
        Mann-Whitney U (Wilcoxon signed-rank) otherwise. Metrics: \(RunMetrics.names.joined(separator: ", ")).
        JSON field names are documented in docs/analysis.md.

        Example:
          ffbench compare --db Runs/mnist-quick.sqlite --format json
        """
    )

    @Option(help: "The run database.") var db: String
    @Option(help: "Only runs of this study.") var study: String?
    @Option(name: .customLong("metric"), help: "Metrics to compare (repeatable; default: all).") var metrics: [String] = []
    @Option(name: .customLong("target-error"), help: "Test error that defines time-to-accuracy.") var targetError: Double = 0.02
    @Option(help: "Multiple-comparison correction: holm or bh.") var correction: MultipleComparisons.Method = .holm
    @Option(help: "Bootstrap resamples for the CIs.") var resamples: Int = 9_999
    @Option(help: "Output format: table, json, csv or latex.") var format: ReportFormat = .table

    func run() throws {
        let unknown = metrics.filter { !RunMetrics.names.contains($0) }
        if !unknown.isEmpty {
            throw ValidationError("--metric \(unknown[0]): unknown (expected one of: \(RunMetrics.names.joined(separator: ", ")))")
        }
        guard resamples >= 100 else { throw ValidationError("--resamples \(resamples): expected at least 100") }
        guard targetError > 0 && targetError < 1 else { throw ValidationError("--target-error \(targetError): expected a fraction between 0 and 1") }
        let store = try RunStore.openExisting(db)
        var options = ComparisonOptions()
        options.resamples = resamples
        let report = try StoreComparison.compare(store: store, study: study, metrics: metrics.isEmpty ? RunMetrics.names : metrics,
                                                 targetError: targetError, correction: correction, options: options)
        if report.comparisons.isEmpty && format == .table {
            print("no completed FF or BP runs in \(db)\(study.map { " for study \($0)" } ?? "")")
            return
        }
        try emit(report.comparisons, json: report, format: format)
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The same statistics on any CSV file.",
        subcommands: [StatsCompare.self, StatsDescribe.self])
}

struct StatsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two groups of a CSV column: CIs, chosen test, effect sizes.",
        discussion: "Example:\n  ffbench stats compare times.csv --group algorithm --value seconds --paired-by seed")

    @Argument(help: "CSV file with a header row.") var file: String
    @Option(help: "Column naming the group of each row (exactly two groups).") var group: String
    @Option(help: "Column with the values.") var value: String
    @Option(name: .customLong("paired-by"), help: "Column that pairs rows across the groups (e.g. seed).") var pairedBy: String?
    @Option(help: "Bootstrap resamples.") var resamples: Int = 9_999
    @Option(help: "Output format: table, json, csv or latex.") var format: ReportFormat = .table

    func run() throws {
        let table: CSVTable
        do { table = try CSVTable(path: file) } catch { throw ValidationError("\(error)") }
        let labels: [String], values: [Double]
        do { labels = try table.strings(group); values = try table.numbers(value) } catch { throw ValidationError("\(error)") }
        var order: [String] = []
        for l in labels where !order.contains(l) { order.append(l) }
        guard order.count == 2 else {
            throw ValidationError("\(file): column '\(group)' has \(order.count) groups (\(order.prefix(5).joined(separator: ", "))); exactly 2 are compared")
        }
        var first = zip(labels, values).filter { $0.0 == order[0] }.map(\.1)
        var second = zip(labels, values).filter { $0.0 == order[1] }.map(\.1)
        var paired = false
        if let pairedBy {
            let keys: [String]
            do { keys = try table.strings(pairedBy) } catch { throw ValidationError("\(error)") }
            let a = Dictionary(zip(keys, zip(labels, values)).filter { $0.1.0 == order[0] }.map { ($0.0, $0.1.1) }, uniquingKeysWith: { a, _ in a })
            let b = Dictionary(zip(keys, zip(labels, values)).filter { $0.1.0 == order[1] }.map { ($0.0, $0.1.1) }, uniquingKeysWith: { a, _ in a })
            let common = a.keys.filter { b[$0] != nil }.sorted()
            guard common.count >= 2 else { throw ValidationError("\(file): fewer than 2 pairs share a '\(pairedBy)' value") }
            first = common.map { a[$0]! }
            second = common.map { b[$0]! }
            paired = true
        }
        var options = ComparisonOptions()
        options.resamples = resamples
        var results = [Compare.groups(order, first: first, second: second, paired: paired, metric: value, options: options)]
        Compare.adjust(&results, method: .holm)
        try emit(results, json: results[0], format: format)
    }
}

struct StatsDescribe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "n, mean, SD, median, IQR, min, max, CV and a 95% t-interval, per group.",
        discussion: "Example:\n  ffbench stats describe times.csv --value seconds --group algorithm")

    @Argument(help: "CSV file with a header row.") var file: String
    @Option(help: "Column with the values.") var value: String
    @Option(help: "Optional column to group rows by.") var group: String?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .text

    struct Row: Encodable {
        let group: String
        let describe: Descriptive
        let tInterval: Interval?
        enum CodingKeys: String, CodingKey { case group, describe; case tInterval = "t_interval" }
    }

    func run() throws {
        let table: CSVTable
        let values: [Double], labels: [String]
        do {
            table = try CSVTable(path: file)
            values = try table.numbers(value)
            labels = try group.map { try table.strings($0) } ?? Array(repeating: "all", count: values.count)
        } catch { throw ValidationError("\(error)") }
        var order: [String] = []
        for l in labels where !order.contains(l) { order.append(l) }
        var rows: [Row] = []
        for g in order {
            let x = zip(labels, values).filter { $0.0 == g }.map(\.1)
            rows.append(Row(group: g, describe: try Descriptive(x), tInterval: try? ConfidenceInterval.tMean(x)))
        }
        if format == .json { try Console.printJSON(rows); return }
        var t = TextTable(header: ["group", "n", "mean", "sd", "median", "iqr", "min", "max", "cv", "95% CI (t)"])
        for r in rows {
            let d = r.describe
            func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "-" }
            t.rows.append([r.group, String(d.n), f(d.mean), f(d.sd), f(d.median), f(d.iqr), f(d.min), f(d.max), f(d.cv),
                           r.tInterval.map { "\(f($0.low)) – \(f($0.high))" } ?? "-"])
        }
        print(t.render())
    }
}

import Analysis
import ArgumentParser
import Exports
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The same statistics on any CSV file, and a priori power.",
        subcommands: [StatsCompare.self, StatsDescribe.self, StatsPower.self])
}

extension TwoGroups.Estimand: ExpressibleByArgument {}

/// A CSV file read for statistics: its errors are bad input (exit 2).
func readTable(_ file: String) throws -> CSVTable {
    do { return try CSVTable(path: file) } catch { throw ValidationError("\(error)") }
}

struct StatsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two groups of a CSV column: the geometric-mean ratio (t on logs) or the difference with equivalence.",
        discussion: """
        The first group seen in the file is compared with the second. --estimand ratio \
        (positive values: time, memory) gives the geometric-mean ratio first/second with \
        the t interval on logs; --estimand difference gives the mean difference \
        first − second with a TOST equivalence test within --margin.

        Example:
          ffbench stats compare times.csv --group algorithm --value seconds \\
            --paired-by seed
        """)

    @Argument(help: "CSV file with a header row.") var file: String
    @Option(help: "Column naming the group of each row (exactly two groups).") var group: String
    @Option(help: "Column with the values.") var value: String
    @Option(name: .customLong("paired-by"), help: "Column that pairs rows across the groups (e.g. seed).") var pairedBy: String?
    @Option(help: "ratio (positive values) or difference.") var estimand: TwoGroups.Estimand = .ratio
    @Option(help: "Equivalence margin for --estimand difference, in the value's units.") var margin: Double = 0.5
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        let table = try readTable(file)
        let labels: [String], values: [Double], keys: [String]?
        do { (labels, values, keys) = (try table.strings(group), try table.numbers(value), try pairedBy.map { try table.strings($0) }) } catch {
            throw ValidationError("\(error)")
        }
        let result = try TwoGroups(labels: labels, values: values, keys: keys, estimand: estimand, margin: margin, source: file)
        if let left = result.unpairedLeftOut, left.reduce(0, +) > 0, let key = pairedBy {
            Console.error("warning: \(file): \(left[0]) row(s) of \(result.groups[0]) and \(left[1]) of \(result.groups[1]) have no partner by \(key) and are left out")
        }
        if format == .json { try Console.printJSON(result); return }
        print(TextTable(header: TwoGroups.header, rows: result.rows).render())
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
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        let table = try readTable(file)
        let values: [Double], labels: [String]
        do {
            values = try table.numbers(value)
            labels = try group.map { try table.strings($0) } ?? Array(repeating: "all", count: values.count)
        } catch { throw ValidationError("\(error)") }
        let rows = try GroupSummary.make(labels: labels, values: values)
        if format == .json { try Console.printJSON(rows); return }
        print(TextTable(header: GroupSummary.header, rows: rows.map(\.row)).render())
    }
}

struct StatsPower: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power",
        abstract: "Seeds per arm needed to detect a ratio (a priori, noncentral t on logs), or the ratio a number of seeds detects.",
        discussion: """
        --cv is the coefficient of variation of one run's value from a pilot (unpaired), \
        or of the per-seed ratio arm/baseline with --paired. Power is that of the \
        two-sided t test on logs that ffbench compare uses, at --alpha.

        Example:
          ffbench stats power --cv 0.1 --ratio 1.1 --paired
        """)

    @Option(help: "Coefficient of variation from a pilot (0.1 = 10 %), above 0 and at most 10.") var cv: Double
    @Option(help: "The ratio to detect (e.g. 1.1).") var ratio: Double?
    @Option(help: "Seeds per arm (2 to 10000): print the smallest detectable ratio instead.") var seeds: Int?
    @Flag(help: "Runs pair by seed.") var paired = false
    @Option(help: "Two-sided significance level, between 0 and 1.") var alpha: Double = 0.05
    @Option(help: "Power to reach, between 0 and 1.") var power: Double = 0.8

    func run() throws {
        guard cv > 0, cv <= 10 else { throw ValidationError("--cv \(cv): expected a coefficient of variation in (0, 10]") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha \(alpha): expected a level between 0 and 1") }
        guard power > 0, power < 1 else { throw ValidationError("--power \(power): expected a probability between 0 and 1") }
        print(try Power.summary(cv: cv, ratio: ratio, seeds: seeds, paired: paired, alpha: alpha, power: power))
    }
}

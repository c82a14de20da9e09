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

struct StatsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two groups of a CSV column: the geometric-mean ratio (t on logs) or the difference with equivalence.",
        discussion: """
        The first group seen in the file is compared with the second. --estimand ratio
        (positive values: time, memory) gives the geometric-mean ratio first/second with
        the t interval on logs; --estimand difference gives the mean difference
        first − second with a TOST equivalence test within --margin.

        Example:
          ffbench stats compare times.csv --group algorithm --value seconds --paired-by seed
        """)

    enum Estimand: String, ExpressibleByArgument, CaseIterable { case ratio, difference }

    @Argument(help: "CSV file with a header row.") var file: String
    @Option(help: "Column naming the group of each row (exactly two groups; the first one seen is compared with the second).") var group: String
    @Option(help: "Column with the values.") var value: String
    @Option(name: .customLong("paired-by"), help: "Column that pairs rows across the groups (e.g. seed).") var pairedBy: String?
    @Option(help: "ratio (positive values) or difference.") var estimand: Estimand = .ratio
    @Option(help: "Equivalence margin for --estimand difference, in the value's units.") var margin: Double = 0.5
    @Option(help: "Output format: table or json.") var format: OutputFormat = .text

    struct Result: Encodable {
        let groups: [String]
        let n: [Int]
        let paired: Bool
        let describe: [Descriptive]
        let ratio: LogRatio?
        let equivalence: Equivalence?
        let sensitivity: TestResult?
    }

    func run() throws {
        let table: CSVTable
        let labels: [String], values: [Double]
        do {
            table = try CSVTable(path: file)
            labels = try table.strings(group)
            values = try table.numbers(value)
        } catch { throw ValidationError("\(error)") }
        var order: [String] = []
        var seen = Set<String>()
        for l in labels where seen.insert(l).inserted { order.append(l) }
        guard order.count == 2 else {
            throw ValidationError("\(file): column '\(group)' has \(order.count) groups (\(order.prefix(5).joined(separator: ", "))); exactly 2 are compared")
        }
        var first: [Double] = [], second: [Double] = []
        for (l, v) in zip(labels, values) { if l == order[0] { first.append(v) } else { second.append(v) } }
        var paired = false
        if let pairedBy {
            let keys: [String]
            do { keys = try table.strings(pairedBy) } catch { throw ValidationError("\(error)") }
            var a: [String: Double] = [:], b: [String: Double] = [:]
            for (k, (l, v)) in zip(keys, zip(labels, values)) {
                if l == order[0] { if a.updateValue(v, forKey: k) != nil { throw ValidationError("\(file): '\(pairedBy)' value '\(k)' appears twice in group \(l)") } }
                else if b.updateValue(v, forKey: k) != nil { throw ValidationError("\(file): '\(pairedBy)' value '\(k)' appears twice in group \(l)") }
            }
            let common = a.keys.filter { b[$0] != nil }.sorted()
            guard common.count >= 2 else { throw ValidationError("\(file): fewer than 2 pairs share a '\(pairedBy)' value") }
            first = common.map { a[$0]! }
            second = common.map { b[$0]! }
            paired = true
        }
        var result = Result(groups: order, n: [first.count, second.count], paired: paired,
                            describe: try [first, second].map { try Descriptive($0) }, ratio: nil, equivalence: nil, sensitivity: nil)
        switch estimand {
        case .ratio:
            let r = try LogRatio(arm: first, baseline: second, paired: paired)
            result = Result(groups: order, n: result.n, paired: paired, describe: result.describe, ratio: r, equivalence: nil,
                            sensitivity: try? (paired ? Wilcoxon.test(first.map(log), second.map(log)) : MannWhitney.test(first.map(log), second.map(log))))
        case .difference:
            guard margin > 0, margin.isFinite else { throw ValidationError("--margin \(margin): expected a positive number") }
            let q = try Equivalence(arm: first, baseline: second, paired: paired, margin: margin)
            result = Result(groups: order, n: result.n, paired: paired, describe: result.describe, ratio: nil, equivalence: q,
                            sensitivity: try? (paired ? Wilcoxon.test(first, second) : MannWhitney.test(first, second)))
        }
        if format == .json { print(try JSONOutput.string(result), terminator: ""); return }
        var t = TextTable(header: ["estimand", "groups", "n", "estimate (95 % CI)", "p", "method"])
        if let r = result.ratio {
            t.rows.append(["geometric-mean ratio", "\(order[0]) / \(order[1])", "\(first.count)/\(second.count)",
                           Number.interval(r.ratio, unit: "×"), Number.p(r.pValue), r.inference.method + " on logs"])
        }
        if let q = result.equivalence {
            t.rows.append(["difference", "\(order[0]) − \(order[1])", "\(first.count)/\(second.count)",
                           Number.interval(q.difference, unit: "", signed: true), Number.p(q.pDifference), q.inference.method])
            let i = q.equivalenceInterval(alpha: 0.05)
            t.rows.append(["equivalence ±\(Number.plain(margin))", "TOST", "", "90 % CI " + Number.range(i, unit: "", signed: true),
                           Number.p(q.pValue), q.isEquivalent(alpha: 0.05) ? "equivalent" : "not shown equivalent"])
        }
        print(t.render())
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
        var byGroup: [String: [Double]] = [:]
        for (l, v) in zip(labels, values) {
            if byGroup[l] == nil { order.append(l) }
            byGroup[l, default: []].append(v)
        }
        var rows: [Row] = []
        for g in order {
            let x = byGroup[g]!
            rows.append(Row(group: g, describe: try Descriptive(x), tInterval: try? ConfidenceInterval.tMean(x)))
        }
        if format == .json { print(try JSONOutput.string(rows), terminator: ""); return }
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

struct StatsPower: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power",
        abstract: "Seeds per arm needed to detect a ratio (a priori, noncentral t on logs), or the ratio a number of seeds detects.",
        discussion: """
        --cv is the coefficient of variation of one run's value from a pilot (unpaired),
        or of the per-seed ratio arm/baseline with --paired. Power is that of the
        two-sided t test on logs that ffbench compare uses, at --alpha.

        Example:
          ffbench stats power --cv 0.1 --ratio 1.1 --paired
        """)

    @Option(help: "Coefficient of variation from a pilot (0.1 = 10 %).") var cv: Double
    @Option(help: "The ratio to detect (e.g. 1.1).") var ratio: Double?
    @Option(help: "Seeds per arm: print the smallest detectable ratio instead.") var seeds: Int?
    @Flag(help: "Runs pair by seed.") var paired = false
    @Option(help: "Two-sided significance level.") var alpha: Double = 0.05
    @Option(help: "Power to reach.") var power: Double = 0.8

    func run() throws {
        guard cv > 0, cv <= 10 else { throw ValidationError("--cv \(cv): expected a coefficient of variation in (0, 10]") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha \(alpha): expected a level between 0 and 1") }
        guard power > 0, power < 1 else { throw ValidationError("--power \(power): expected a probability between 0 and 1") }
        let design = paired ? "paired by seed" : "unpaired"
        if let seeds {
            guard (2...10_000).contains(seeds) else { throw ValidationError("--seeds \(seeds): expected 2 to 10000") }
            guard let r = Power.detectableRatio(seeds: seeds, cv: cv, paired: paired, alpha: alpha, power: power) else {
                throw ValidationError("no ratio is detectable with these settings")
            }
            print(String(format: "%d seeds per arm (%@, CV %.3g, alpha %.3g): the smallest ratio detected with %.0f %% power is %.3f× (or %.3f× below 1)",
                         seeds, design, cv, alpha, power * 100, r, 1 / r))
            return
        }
        guard let ratio, ratio > 0, ratio != 1, ratio.isFinite else { throw ValidationError("--ratio: expected a positive ratio other than 1 (or give --seeds)") }
        guard let n = Power.seedsNeeded(ratio: ratio, cv: cv, paired: paired, alpha: alpha, power: power) else {
            throw ValidationError("more than 10000 seeds per arm would be needed")
        }
        let achieved = Power.ratioTest(ratio: ratio, cv: cv, seeds: n, paired: paired, alpha: alpha) ?? .nan
        print(String(format: "%d seeds per arm (%@, CV %.3g, ratio %.3g, alpha %.3g): power %.3f", n, design, cv, ratio, alpha, achieved))
    }
}

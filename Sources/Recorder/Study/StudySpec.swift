import Exports
import Foundation
import RunStore
import Training
import Yams

/// A study: one data set, arms (each an algorithm plus options), seeds and
/// shared options, optionally swept over a grid, and the analysis plan it
/// is judged by. Read from YAML in Runs/. Option keys are the run options
/// of `ffbench train` (`RunOptions`), so every flag of `train` is a key here.
///
///     study: mnist-quick
///     dataset: mnist
///     epochs: 10
///     seeds: [1, 2, 3, 4, 5]        # or "1-5"
///     options: {layers: 2x500, batch-size: 100}
///     grid: {layers: [2x2000, 4x2000], batch-size: [100, 1000]}   # optional
///     arms:
///       ff: {algorithm: ff}
///       bp: {algorithm: bp, lr: 0.05}
///       torch-bp:                   # a command arm: any program printing epoch lines
///         algorithm: bp
///         framework: pytorch
///         command: ["${FFBENCH_PYTHON:-python3}", ports/pytorch/bp.py, --seed, "{seed}"]
///     baseline: bp                  # optional analysis plan
///
/// Precedence, lowest first: `dataset` and `epochs`, `options`, the arm's
/// own options, the grid point, then options given on the command line.
public struct StudySpec: Sendable {
    public var name: String
    public var dataset: String
    public var epochs: Int
    public var seeds: [UInt64]
    public var sampleInterval: String
    /// Every arm with its grid point, in the file's order.
    public var arms: [StudyArm]
    /// The analysis plan, declared here and stored before any run.
    public var baseline: String?
    public var targetError: Double?
    public var equivalenceMargin: Double?
    public var pilotCV: Double?
    public var smallestEffect: Double?
    public var text: String = ""
    /// Options that override everything in the file (`ffbench study --set`).
    public var overrides: [(name: String, value: String)] = []
    public var path: String = ""

    static let topLevel: Set<String> = ["study", "dataset", "epochs", "seeds", "options", "arms", "grid", "sample-interval", "description",
                                        "baseline", "target-error", "equivalence-margin", "pilot-cv", "smallest-effect"]
    /// Set by the study itself, never by an arm: which seeds run comes from `seeds`.
    static let studyOnly: Set<String> = ["seed"]
    public static let maxRuns = 100_000
    public static let maxGridPoints = 1_000

    public static func load(path: String) throws(StudyError) -> StudySpec {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .file(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .file(path: path, message: "not UTF-8 text") }
        let fallbackName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(text, path: path, defaultName: fallbackName)
    }

    public static func parse(_ text: String, path: String, defaultName: String) throws(StudyError) -> StudySpec {
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else { throw StudyError.spec(path: path, key: "", message: "empty file") }
            node = n
        } catch let e as StudyError {
            throw e
        } catch {
            throw .spec(path: path, key: "", message: "not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        func fail(_ key: String, _ message: String) -> StudyError { .spec(path: path, key: key, message: message) }
        guard let root = node.mapping else { throw fail("", "expected a mapping of keys at the top level") }

        var keys: [String: Node] = [:]
        for (k, v) in root {
            guard let key = k.string else { throw fail("", "keys must be strings") }
            guard topLevel.contains(key) else { throw fail(key, "unknown key (expected one of: \(topLevel.sorted().joined(separator: ", ")))") }
            keys[key] = v
        }
        func scalar(_ key: String, _ n: Node) throws(StudyError) -> String {
            guard let s = n.scalar?.string else { throw fail(key, "expected a single value") }
            return s
        }
        func required(_ key: String) throws(StudyError) -> Node {
            guard let n = keys[key] else { throw fail(key, "missing (required)") }
            return n
        }

        let name = try keys["study"].map { n throws(StudyError) in try scalar("study", n) } ?? defaultName
        if let problem = SafeName.problem(name) { throw fail("study", "'\(SafeName.shown(name))': \(problem)") }
        let dataset = try scalar("dataset", try required("dataset"))
        let epochsText = try scalar("epochs", try required("epochs"))
        guard let epochs = Int(epochsText), (1...100_000).contains(epochs) else {
            throw fail("epochs", "'\(epochsText)': expected a positive integer (at most 100000)")
        }
        let seeds = try parseSeeds(try required("seeds"), fail: fail)
        let interval = try keys["sample-interval"].map { n throws(StudyError) in try scalar("sample-interval", n) } ?? "20ms"
        guard RecordingOptions.parseInterval(interval) != nil else {
            throw fail("sample-interval", "'\(interval)': expected a duration such as 20ms (1 ms to 1 h)")
        }

        func options(_ n: Node, at key: String) throws(StudyError) -> [(name: String, value: String)] {
            guard let m = n.mapping else { throw fail(key, "expected a mapping of run options") }
            var out: [(name: String, value: String)] = []
            for (k, v) in m {
                guard let o = k.string, RunOptions.named(o) != nil, !studyOnly.contains(o) else {
                    throw fail("\(key).\(k.string ?? "?")", "unknown option (expected one of: \(RunOptions.all.map(\.name).filter { !studyOnly.contains($0) }.joined(separator: ", ")))")
                }
                guard let value = v.scalar?.string else { throw fail("\(key).\(o)", "expected a single value") }
                out.append((o, value))
            }
            return out
        }
        let shared = try keys["options"].map { n throws(StudyError) in try options(n, at: "options") } ?? []

        var grid: [(name: String, values: [String])] = []
        if let g = keys["grid"] {
            guard let m = g.mapping else { throw fail("grid", "expected a mapping of option → list of values") }
            var points = 1
            for (k, v) in m {
                guard let o = k.string, RunOptions.named(o) != nil, !studyOnly.contains(o) else { throw fail("grid.\(k.string ?? "?")", "unknown option") }
                guard let list = v.sequence, !list.isEmpty else { throw fail("grid.\(o)", "expected a non-empty list of values") }
                // Counted before anything is expanded: an aliased anchor can multiply without limit.
                points = points.multipliedReportingOverflow(by: list.count).overflow ? Int.max : points * list.count
                guard points <= maxGridPoints else {
                    throw fail("grid", "more than \(maxGridPoints) combinations (the options' value lists multiply); split the study")
                }
                let values = list.map { $0.scalar?.string }
                guard values.allSatisfy({ $0 != nil }) else { throw fail("grid.\(o)", "expected a list of single values") }
                grid.append((o, values.map { $0! }))
            }
        }

        guard let armsNode = try required("arms").mapping, !armsNode.isEmpty else { throw fail("arms", "expected a mapping of arm name → options") }
        if let o = shared.first(where: { !StudyArm.commandOptions.contains($0.name) }), armsNode.contains(where: { $0.value.mapping?["command"] != nil }) {
            throw fail("options.\(o.name)", StudyArm.unreachable(o.name))
        }
        let combos = grid.reduce(1) { $0 * $1.values.count }
        guard armsNode.count * combos * seeds.count <= maxRuns else {
            throw fail("arms", "\(armsNode.count) arms × \(combos) grid points × \(seeds.count) seeds is more than \(maxRuns) runs")
        }
        var arms: [StudyArm] = []
        for (k, v) in armsNode {
            guard let armName = k.string else { throw fail("arms", "arm names must be strings") }
            if let problem = SafeName.problem(armName) { throw fail("arms.\(SafeName.shown(armName))", problem) }
            let at = "arms.\(armName)"
            // A command arm's own keys: what it runs and what implements it.
            var command: [String]?, framework: String?
            var rest = v
            if let m = v.mapping {
                if let c = m["command"] {
                    let words = c.sequence?.map { $0.scalar?.string }
                    guard let words, !words.isEmpty, words.allSatisfy({ $0 != nil && !$0!.isEmpty }) else {
                        throw fail("\(at).command", "expected a non-empty list of words, e.g. [python3, ports/pytorch/ff.py, --seed, \"{seed}\"]")
                    }
                    // {spec-dir} is known now: the folder of this file, so a study runs its scripts from anywhere.
                    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
                    command = words.map { $0!.replacingOccurrences(of: "{spec-dir}", with: folder) }
                    if let bad = CommandTemplate.unknownPlaceholder(in: command!) {
                        throw fail("\(at).command", "unknown placeholder {\(bad)} (expected one of: \(CommandTemplate.placeholders.map { "{\($0)}" }.joined(separator: ", ")))")
                    }
                }
                if let f = m["framework"] {
                    framework = try scalar("\(at).framework", f)
                    if let problem = SafeName.problem(framework!) { throw fail("\(at).framework", "'\(SafeName.shown(framework!))': \(problem)") }
                    if command == nil && framework != StudyArm.native {
                        throw fail("\(at).framework", "'\(framework!)' needs a command: (ffbench's own trainers are framework \(StudyArm.native))")
                    }
                }
                rest = .mapping(Node.Mapping(m.filter { $0.key.string != "command" && $0.key.string != "framework" }.map { ($0.key, $0.value) }))
            }
            let own = try options(rest, at: at)
            if command != nil {
                if let o = (own.map(\.name) + grid.map(\.name)).first(where: { !StudyArm.commandOptions.contains($0) }) {
                    throw fail("\(at).\(o)", StudyArm.unreachable(o))
                }
            }
            guard own.contains(where: { $0.name == "algorithm" }) || shared.contains(where: { $0.name == "algorithm" }) else {
                throw fail("arms.\(armName).algorithm", "missing (required: ff or bp)")
            }
            // Expand the grid: every combination, named arm[option=value,…].
            var points: [[(name: String, value: String)]] = [[]]
            for (option, values) in grid {
                points = points.flatMap { c in values.map { c + [(option, $0)] } }
            }
            for point in points {
                let suffix = point.isEmpty ? "" : "[" + point.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "]"
                if let problem = SafeName.problem(armName + suffix, gridSuffix: true) { throw fail("grid", problem) }
                arms.append(StudyArm(name: armName + suffix, options: shared + own + point, command: command,
                                     framework: framework ?? (command == nil ? StudyArm.native : "external")))
            }
        }
        func number(_ key: String, in range: ClosedRange<Double>, _ what: String) throws(StudyError) -> Double? {
            guard let n = keys[key] else { return nil }
            let text = try scalar(key, n)
            guard let v = Double(text), v.isFinite, range.contains(v) else { throw fail(key, "'\(text)': expected \(what)") }
            return v
        }
        var spec = StudySpec(name: name, dataset: dataset, epochs: epochs, seeds: seeds, sampleInterval: interval, arms: arms)
        spec.text = text
        spec.path = path
        spec.targetError = try number("target-error", in: 1e-9...0.999_999, "an error rate between 0 and 1, e.g. 0.02")
        spec.equivalenceMargin = try number("equivalence-margin", in: 1e-9...100, "percentage points above 0, e.g. 0.5")
        spec.pilotCV = try number("pilot-cv", in: 1e-9...10, "a coefficient of variation above 0, e.g. 0.1")
        spec.smallestEffect = try number("smallest-effect", in: 1.000_001...1000, "a ratio above 1, e.g. 1.1")
        if let b = keys["baseline"] {
            let baseline = try scalar("baseline", b)
            guard armsNode.contains(where: { $0.key.string == baseline }) else {
                throw fail("baseline", "'\(baseline)' is not an arm of this study (arms: \(armsNode.compactMap { $0.key.string }.joined(separator: ", ")))")
            }
            spec.baseline = baseline
        }
        return spec
    }

    /// A list of seeds (`[1, 2, 3]`) or a range (`"1-5"`), each 0 or more.
    private static func parseSeeds(_ n: Node, fail: (String, String) -> StudyError) throws(StudyError) -> [UInt64] {
        let limit = 10_000
        if let list = n.sequence {
            let values: [UInt64?] = list.map { item -> UInt64? in
                guard let text = item.scalar?.string else { return nil }
                return UInt64(text.trimmingCharacters(in: .whitespaces))
            }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw fail("seeds", "expected a list of whole numbers, 0 or more") }
            guard values.count <= limit, Set(values).count == values.count else { throw fail("seeds", "expected at most \(limit) distinct seeds") }
            return values.map { $0! }
        }
        if let s = n.scalar?.string {
            let t = s.trimmingCharacters(in: .whitespaces)
            if let single = UInt64(t) { return [single] }
            let parts = t.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let a = parts[0], let b = parts[1], a <= b, b - a < UInt64(limit) { return Array(a...b) }
        }
        throw fail("seeds", "expected a list like [1, 2, 3] or a range like \"1-5\" (whole numbers, 0 or more)")
    }

    /// Every (arm, seed) run in interleaved order: ff s1, bp s1, ff s2, bp s2…
    /// so drift in the machine's state hits every arm alike.
    public var plan: [PlannedRun] {
        seeds.flatMap { seed in arms.map { PlannedRun(arm: $0.name, seed: seed, options: $0.options, command: $0.command, framework: $0.framework) } }
    }

    /// The run options of a planned run, lowest precedence first.
    public func options(of run: PlannedRun) -> [(name: String, value: String)] {
        [("dataset", dataset), ("epochs", String(epochs))] + run.options + overrides + [("seed", String(run.seed))]
    }

    /// A planned run's whole specification, with errors named by the arm.
    /// A command arm's holds only what it describes (data set, layers,
    /// batch size, epochs, threads, seed): its command does the rest.
    public func spec(of run: PlannedRun) throws(StudyError) -> RunSpec {
        if run.command != nil, let o = overrides.first(where: { !StudyArm.commandOptions.contains($0.name) }) {
            throw .spec(path: path, key: "arms.\(run.arm)", message: "--set \(o.name): " + StudyArm.unreachable(o.name))
        }
        do { return try RunSpec.resolve(options(of: run)) } catch {
            throw .spec(path: path, key: "arms.\(run.arm)", message: error.asFlag)
        }
    }

    /// Resolves every planned run, so a study fails before anything starts.
    public func validate() throws(StudyError) {
        for run in plan { _ = try spec(of: run) }
    }
}

extension StudySpec {
    /// The study's analysis plan as the `studies` table stores it.
    public var declaration: StudyRecord {
        struct Summary: Encodable {
            let dataset: String, epochs: Int, seeds: [UInt64], arms: [String: [String: String]], spec: String
        }
        let arms = Dictionary(self.arms.map { a in (a.name, Dictionary(a.options.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })) },
                              uniquingKeysWith: { a, _ in a })
        let json = JSONOutput.line(Summary(dataset: dataset, epochs: epochs, seeds: seeds, arms: arms, spec: text))
        return StudyRecord(name: name, baseline: baseline, targetError: targetError, equivalenceMargin: equivalenceMargin,
                           pilotCV: pilotCV, smallestEffect: smallestEffect, specJSON: json)
    }
}

/// An arm of a study: ffbench's own trainer with run options, or a
/// command (e.g. a PyTorch script) described by the options it receives.
public struct StudyArm: Sendable {
    /// Name, with its grid point (`ff[layers=2x500]`).
    public var name: String
    /// Run options, lowest precedence first.
    public var options: [(name: String, value: String)]
    /// A command arm's words, placeholders unexpanded; nil for ffbench's trainers.
    public var command: [String]?
    /// What implements the arm: ffbench, or the command arm's declared framework.
    public var framework: String

    public static let native = "ffbench"
    /// The options a command arm takes: the ones its command receives as placeholders, and what it trains.
    public static let commandOptions: Set<String> = ["algorithm", "dataset", "epochs", "layers", "batch-size", "threads"]

    static func unreachable(_ option: String) -> String {
        "'\(option)' cannot reach a command arm (it takes \(commandOptions.sorted().joined(separator: ", ")) and passes them as placeholders); put it in the command itself or in the native arms"
    }
}

public struct PlannedRun: Sendable {
    public let arm: String
    public let seed: UInt64
    public let options: [(name: String, value: String)]
    public var command: [String]? = nil
    public var framework: String = StudyArm.native
}

public enum StudyError: Error, CustomStringConvertible, Equatable {
    case file(path: String, message: String)
    case spec(path: String, key: String, message: String)

    public var description: String {
        switch self {
        case .file(let path, let message): "\(path): \(message)"
        case .spec(let path, let key, let message): key.isEmpty ? "\(path): \(message)" : "\(path): \(key): \(message)"
        }
    }
}

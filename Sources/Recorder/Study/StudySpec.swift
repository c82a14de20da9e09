import Foundation
import RunStore
import Yams

/// A study: one data set, arms (each an algorithm plus options), seeds and
/// shared options, optionally swept over a grid. Read from YAML in Runs/.
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
public struct StudySpec: Sendable, Equatable {
    public var name: String
    public var dataset: String
    public var epochs: Int
    public var seeds: [UInt64]
    public var sampleInterval: String
    /// Arm name → `ffbench train` options (long names without dashes → value).
    public var arms: [(name: String, options: [(String, String)])]
    /// The analysis plan, declared here and stored before any run.
    public var baseline: String?
    public var targetError: Double?
    public var equivalenceMargin: Double?
    public var pilotCV: Double?
    public var smallestEffect: Double?
    public var text: String = ""

    public static func == (a: StudySpec, b: StudySpec) -> Bool {
        a.name == b.name && a.dataset == b.dataset && a.epochs == b.epochs && a.seeds == b.seeds
            && a.arms.map(\.name) == b.arms.map(\.name)
    }

    /// Options an arm, `options` or `grid` may set: `ffbench train`'s own.
    public static let trainOptions: Set<String> = [
        "algorithm", "preset", "layers", "batch-size", "optimizer", "lr", "momentum", "dampening", "weight-decay",
        "decay-style", "schedule", "threads", "label-value", "threshold", "negatives", "layer-schedule",
        "peer-normalization", "goodness-from", "head-from", "softmax-head", "predict", "head-lr", "head-weight-decay",
        "validation", "eval-every", "stack-memory", "center-inputs",
    ]
    static let topLevel: Set<String> = ["study", "dataset", "epochs", "seeds", "options", "arms", "grid", "sample-interval", "description",
                                        "baseline", "target-error", "equivalence-margin", "pilot-cv", "smallest-effect"]

    public static func load(path: String) throws(StudyError) -> StudySpec {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .file(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
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
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.isEmpty else {
            throw fail("study", "'\(name)': use letters, digits, '-', '_' or '.'")
        }
        let dataset = try scalar("dataset", try required("dataset"))
        let epochsText = try scalar("epochs", try required("epochs"))
        guard let epochs = Int(epochsText), epochs >= 1 else { throw fail("epochs", "'\(epochsText)': expected a positive integer") }
        let seeds = try parseSeeds(try required("seeds"), fail: fail)
        let interval = try keys["sample-interval"].map { n throws(StudyError) in try scalar("sample-interval", n) } ?? "20ms"

        func options(_ n: Node, at key: String) throws(StudyError) -> [(String, String)] {
            guard let m = n.mapping else { throw fail(key, "expected a mapping of train options") }
            var out: [(String, String)] = []
            for (k, v) in m {
                guard let o = k.string, trainOptions.contains(o) else {
                    throw fail("\(key).\(k.string ?? "?")", "unknown option (expected one of: \(trainOptions.sorted().joined(separator: ", ")))")
                }
                guard let value = v.scalar?.string else { throw fail("\(key).\(o)", "expected a single value") }
                out.append((o, value))
            }
            return out
        }
        let shared = try keys["options"].map { n throws(StudyError) in try options(n, at: "options") } ?? []

        var grid: [(String, [String])] = []
        if let g = keys["grid"] {
            guard let m = g.mapping else { throw fail("grid", "expected a mapping of option → list of values") }
            for (k, v) in m {
                guard let o = k.string, trainOptions.contains(o) else { throw fail("grid.\(k.string ?? "?")", "unknown option") }
                guard let values = v.sequence?.map({ $0.scalar?.string }), !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                    throw fail("grid.\(o)", "expected a non-empty list of values")
                }
                grid.append((o, values.map { $0! }))
            }
        }

        guard let armsNode = try required("arms").mapping, !armsNode.isEmpty else { throw fail("arms", "expected a mapping of arm name → options") }
        var arms: [(String, [(String, String)])] = []
        for (k, v) in armsNode {
            guard let armName = k.string, !armName.isEmpty else { throw fail("arms", "arm names must be strings") }
            let own = try options(v, at: "arms.\(armName)")
            guard own.contains(where: { $0.0 == "algorithm" }) || shared.contains(where: { $0.0 == "algorithm" }) else {
                throw fail("arms.\(armName).algorithm", "missing (required: ff or bp)")
            }
            // Expand the grid: every combination, named arm[option=value,…].
            var combos: [[(String, String)]] = [[]]
            for (option, values) in grid {
                combos = combos.flatMap { c in values.map { c + [(option, $0)] } }
            }
            for combo in combos {
                let suffix = combo.isEmpty ? "" : "[" + combo.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "]"
                var merged = shared.filter { s in !own.contains { $0.0 == s.0 } && !combo.contains { $0.0 == s.0 } }
                merged += own.filter { o in !combo.contains { $0.0 == o.0 } }
                merged += combo
                arms.append((armName + suffix, merged))
            }
        }
        func number(_ key: String, in range: ClosedRange<Double>, _ what: String) throws(StudyError) -> Double? {
            guard let n = keys[key] else { return nil }
            let text = try scalar(key, n)
            guard let v = Double(text), v.isFinite, range.contains(v) else { throw fail(key, "'\(text)': expected \(what)") }
            return v
        }
        var spec = StudySpec(name: name, dataset: dataset, epochs: epochs, seeds: seeds, sampleInterval: interval,
                             arms: arms.map { (name: $0.0, options: $0.1) })
        spec.text = text
        spec.targetError = try number("target-error", in: 1e-9...0.999_999, "an error rate between 0 and 1, e.g. 0.02")
        spec.equivalenceMargin = try number("equivalence-margin", in: 1e-9...100, "percentage points above 0, e.g. 0.5")
        spec.pilotCV = try number("pilot-cv", in: 1e-9...10, "a coefficient of variation above 0, e.g. 0.1")
        spec.smallestEffect = try number("smallest-effect", in: 1.000_001...1000, "a ratio above 1, e.g. 1.1")
        if let b = keys["baseline"] {
            let name = try scalar("baseline", b)
            guard armsNode.contains(where: { $0.key.string == name }) else {
                throw fail("baseline", "'\(name)' is not an arm of this study (arms: \(armsNode.compactMap { $0.key.string }.joined(separator: ", ")))")
            }
            spec.baseline = name
        }
        return spec
    }

    private static func parseSeeds(_ n: Node, fail: (String, String) -> StudyError) throws(StudyError) -> [UInt64] {
        if let list = n.sequence {
            let values: [UInt64?] = list.map { $0.string.flatMap { UInt64($0) } }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw fail("seeds", "expected a list of non-negative integers") }
            return values.map { $0! }
        }
        if let s = n.scalar?.string {
            let parts = s.split(separator: "-").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let a = parts[0], let b = parts[1], a <= b, b - a < 10_000 { return Array(a...b) }
            if parts.count == 1, let a = parts[0] { return [a] }
        }
        throw fail("seeds", "expected a list like [1, 2, 3] or a range like \"1-5\"")
    }

    /// Every (arm, seed) run in interleaved order: ff s1, bp s1, ff s2, bp s2…
    /// so drift in the machine's state hits every arm alike.
    public var plan: [PlannedRun] {
        seeds.flatMap { seed in arms.map { PlannedRun(arm: $0.name, seed: seed, options: $0.options) } }
    }
}

extension StudySpec {
    /// The study's analysis plan as the `studies` table stores it.
    public var declaration: StudyRecord {
        struct Summary: Encodable {
            let dataset: String, epochs: Int, seeds: [UInt64], arms: [String: [String: String]], spec: String
        }
        let arms = Dictionary(self.arms.map { a in (a.name, Dictionary(a.options, uniquingKeysWith: { _, b in b })) }, uniquingKeysWith: { a, _ in a })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(Summary(dataset: dataset, epochs: epochs, seeds: seeds, arms: arms, spec: text)))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return StudyRecord(name: name, baseline: baseline, targetError: targetError, equivalenceMargin: equivalenceMargin,
                           pilotCV: pilotCV, smallestEffect: smallestEffect, specJSON: json)
    }
}

public struct PlannedRun: Sendable {
    public let arm: String
    public let seed: UInt64
    public let options: [(String, String)]

    /// The `ffbench train` arguments for this run (without recording options).
    public func trainArguments(dataset: String, epochs: Int) -> [String] {
        ["--dataset", dataset, "--epochs", String(epochs), "--seed", String(seed)]
            + options.flatMap { ["--\($0.0)", $0.1] }
    }
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

import Foundation
import RunStore
import Training
import Yams

/// Reads a study spec's YAML into a `StudySpec`, one part at a time: the
/// top-level keys, the shared options, the grid, the arms, the analysis
/// plan. Every error names the file and the key.
struct StudySpecReader {
    typealias Options = [(name: String, value: String)]
    typealias Grid = [(name: String, values: [String])]

    let text: String
    let path: String
    let keys: [String: Node]

    init(text: String, path: String) throws(StudyError) {
        (self.text, self.path) = (text, path)
        let node: Node
        do {
            guard let n = try Yams.compose(yaml: text) else { throw StudyError.spec(path: path, key: "", message: "empty file") }
            node = n
        } catch let e as StudyError {
            throw e
        } catch {
            throw .spec(path: path, key: "", message: "not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
        }
        guard let root = node.mapping else { throw .spec(path: path, key: "", message: "expected a mapping of keys at the top level") }
        var keys: [String: Node] = [:]
        for (k, v) in root {
            guard let key = k.string else { throw .spec(path: path, key: "", message: "keys must be strings") }
            guard StudySpec.topLevel.contains(key) else {
                throw .spec(path: path, key: key, message: "unknown key (expected one of: \(StudySpec.topLevel.sorted().joined(separator: ", ")))")
            }
            keys[key] = v
        }
        self.keys = keys
    }

    func spec(defaultName: String) throws(StudyError) -> StudySpec {
        let name = try keys["study"].map { n throws(StudyError) in try scalar("study", n) } ?? defaultName
        if let problem = SafeName.problem(name) { throw fail("study", "'\(SafeName.shown(name))': \(problem)") }
        let dataset = try scalar("dataset", try required("dataset"))
        let epochsText = try scalar("epochs", try required("epochs"))
        guard let epochs = Int(epochsText), (1...100_000).contains(epochs) else {
            throw fail("epochs", "'\(epochsText)': expected a positive integer (at most 100000)")
        }
        let seeds = try self.seeds(try required("seeds"))
        let interval = try keys["sample-interval"].map { n throws(StudyError) in try scalar("sample-interval", n) } ?? "20ms"
        guard RecordingOptions.parseInterval(interval) != nil else {
            throw fail("sample-interval", "'\(interval)': expected a duration such as 20ms (1 ms to 1 h)")
        }
        let shared = try keys["options"].map { n throws(StudyError) in try options(n, at: "options") } ?? []
        let grid = try self.grid()
        let armsNode = try self.armsNode(shared: shared, grid: grid, seeds: seeds.count)
        var arms: [StudyArm] = []
        for (k, v) in armsNode { arms += try arm(k, v, shared: shared, grid: grid) }
        var spec = StudySpec(name: name, dataset: dataset, epochs: epochs, seeds: seeds, sampleInterval: interval, arms: arms)
        spec.text = text
        spec.path = path
        spec.declared = try plan(armNames: armsNode.compactMap { $0.key.string })
        return spec
    }

    // MARK: values

    func fail(_ key: String, _ message: String) -> StudyError { .spec(path: path, key: key, message: message) }

    func scalar(_ key: String, _ n: Node) throws(StudyError) -> String {
        guard let s = n.scalar?.string else { throw fail(key, "expected a single value") }
        return s
    }

    func required(_ key: String) throws(StudyError) -> Node {
        guard let n = keys[key] else { throw fail(key, "missing (required)") }
        return n
    }

    func number(_ key: String, in range: ClosedRange<Double>, _ what: String) throws(StudyError) -> Double? {
        guard let n = keys[key] else { return nil }
        let text = try scalar(key, n)
        guard let v = Double(text), v.isFinite, range.contains(v) else { throw fail(key, "'\(text)': expected \(what)") }
        return v
    }

    /// A list of seeds (`[1, 2, 3]`) or a range (`"1-5"`), each 0 or more.
    func seeds(_ n: Node) throws(StudyError) -> [UInt64] {
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

    /// A mapping of run options, each one `ffbench train` knows.
    func options(_ n: Node, at key: String) throws(StudyError) -> Options {
        guard let m = n.mapping else { throw fail(key, "expected a mapping of run options") }
        var out: Options = []
        for (k, v) in m {
            guard let o = k.string, RunOptions.named(o) != nil, !StudySpec.studyOnly.contains(o) else {
                throw fail("\(key).\(k.string ?? "?")", "unknown option (expected one of: \(RunOptions.all.map(\.name).filter { !StudySpec.studyOnly.contains($0) }.joined(separator: ", ")))")
            }
            guard let value = v.scalar?.string else { throw fail("\(key).\(o)", "expected a single value") }
            out.append((o, value))
        }
        return out
    }

    // MARK: parts

    /// Options swept over every combination of their values.
    func grid() throws(StudyError) -> Grid {
        guard let g = keys["grid"] else { return [] }
        guard let m = g.mapping else { throw fail("grid", "expected a mapping of option → list of values") }
        var grid: Grid = []
        var points = 1
        for (k, v) in m {
            guard let o = k.string, RunOptions.named(o) != nil, !StudySpec.studyOnly.contains(o) else { throw fail("grid.\(k.string ?? "?")", "unknown option") }
            guard let list = v.sequence, !list.isEmpty else { throw fail("grid.\(o)", "expected a non-empty list of values") }
            // Counted before anything is expanded: an aliased anchor can multiply without limit.
            points = points.multipliedReportingOverflow(by: list.count).overflow ? Int.max : points * list.count
            guard points <= StudySpec.maxGridPoints else {
                throw fail("grid", "more than \(StudySpec.maxGridPoints) combinations (the options' value lists multiply); split the study")
            }
            let values = list.map { $0.scalar?.string }
            guard values.allSatisfy({ $0 != nil }) else { throw fail("grid.\(o)", "expected a list of single values") }
            grid.append((o, values.map { $0! }))
        }
        return grid
    }

    /// The arms' mapping, refused before anything expands when the study would be too large.
    func armsNode(shared: Options, grid: Grid, seeds: Int) throws(StudyError) -> Node.Mapping {
        guard let armsNode = try required("arms").mapping, !armsNode.isEmpty else { throw fail("arms", "expected a mapping of arm name → options") }
        if let o = shared.first(where: { !StudyArm.commandOptions.contains($0.name) }), armsNode.contains(where: { $0.value.mapping?["command"] != nil }) {
            throw fail("options.\(o.name)", StudyArm.unreachable(o.name))
        }
        let combos = grid.reduce(1) { $0 * $1.values.count }
        guard armsNode.count * combos * seeds <= StudySpec.maxRuns else {
            throw fail("arms", "\(armsNode.count) arms × \(combos) grid points × \(seeds) seeds is more than \(StudySpec.maxRuns) runs")
        }
        return armsNode
    }

    /// One arm of the file, expanded over the grid: named arm[option=value,…].
    func arm(_ k: Node, _ v: Node, shared: Options, grid: Grid) throws(StudyError) -> [StudyArm] {
        guard let armName = k.string else { throw fail("arms", "arm names must be strings") }
        if let problem = SafeName.problem(armName) { throw fail("arms.\(SafeName.shown(armName))", problem) }
        let at = "arms.\(armName)"
        let (command, framework, rest) = try commandKeys(v, at: at)
        let own = try options(rest, at: at)
        if command != nil {
            if let o = (own.map(\.name) + grid.map(\.name)).first(where: { !StudyArm.commandOptions.contains($0) }) {
                throw fail("\(at).\(o)", StudyArm.unreachable(o))
            }
        }
        guard own.contains(where: { $0.name == "algorithm" }) || shared.contains(where: { $0.name == "algorithm" }) else {
            throw fail("arms.\(armName).algorithm", "missing (required: ff or bp)")
        }
        var points: [Options] = [[]]
        for (option, values) in grid {
            points = points.flatMap { c in values.map { c + [(option, $0)] } }
        }
        var arms: [StudyArm] = []
        for point in points {
            let suffix = point.isEmpty ? "" : "[" + point.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "]"
            if let problem = SafeName.problem(armName + suffix, gridSuffix: true) { throw fail("grid", problem) }
            arms.append(StudyArm(name: armName + suffix, options: shared + own + point, command: command,
                                 framework: framework ?? (command == nil ? StudyArm.native : "external")))
        }
        return arms
    }

    /// A command arm's own keys (what it runs and what implements it), and the arm's other keys.
    func commandKeys(_ v: Node, at: String) throws(StudyError) -> (command: [String]?, framework: String?, rest: Node) {
        guard let m = v.mapping else { return (nil, nil, v) }
        var command: [String]?, framework: String?
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
        let rest = Node.mapping(Node.Mapping(m.filter { $0.key.string != "command" && $0.key.string != "framework" }.map { ($0.key, $0.value) }))
        return (command, framework, rest)
    }

    /// The analysis plan the study declares.
    func plan(armNames: [String]) throws(StudyError) -> PlanDeclaration {
        var d = PlanDeclaration()
        d.targetError = try number("target-error", in: 1e-9...0.999_999, "an error rate between 0 and 1, e.g. 0.02")
        d.equivalenceMargin = try number("equivalence-margin", in: 1e-9...100, "percentage points above 0, e.g. 0.5")
        d.pilotCV = try number("pilot-cv", in: 1e-9...10, "a coefficient of variation above 0, e.g. 0.1")
        d.smallestEffect = try number("smallest-effect", in: 1.000_001...1000, "a ratio above 1, e.g. 1.1")
        if let b = keys["baseline"] {
            let baseline = try scalar("baseline", b)
            guard armNames.contains(baseline) else {
                throw fail("baseline", "'\(baseline)' is not an arm of this study (arms: \(armNames.joined(separator: ", ")))")
            }
            d.baseline = baseline
        }
        return d
    }
}

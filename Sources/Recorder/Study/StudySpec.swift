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
    public var declared = PlanDeclaration()
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
        try StudySpecReader(text: text, path: path).spec(defaultName: defaultName)
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
        return StudyRecord(name: name, plan: declared, specJSON: json)
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

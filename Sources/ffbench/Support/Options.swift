import Analysis
import ArgumentParser
import Datasets
import Foundation
import Recorder
import RunStore
import Training

/// `--db`, the run database, as every command takes it. The command line
/// may open the store, never query it: what it reads or writes goes through
/// RunStore's typed calls (docs/architecture.md).
struct DatabaseOption: ParsableArguments {
    @Option(help: "The run database, a SQLite file (docs/schema.md).")
    var db: String?

    /// The path, for a command that cannot run without one.
    func path() throws -> String {
        guard let db else { throw ValidationError("Missing expected argument '--db <db>': the run database") }
        return db
    }

    /// An existing database, read and never changed (nothing is created).
    /// `verifying: false` opens a damaged file, to report its damage.
    func readOnly(verifying: Bool = true) throws -> RunStore {
        try RunStore.openExisting(try path(), verifying: verifying)
    }

    /// A database to add to or remove from: created when missing unless
    /// `creating` is false.
    func forWriting(creating: Bool = true) throws -> RunStore {
        creating ? try RunStore.open(try path()) : try RunStore.openExisting(try path(), writable: true)
    }

    /// An existing database for a listing: runs whose process died are marked
    /// interrupted when the file can be written, so what it shows is the
    /// truth; a read-only file is read as it is.
    func forListing() throws -> RunStore {
        let path = try path()
        return try RunStore.openExisting(path, writable: FileManager.default.isWritableFile(atPath: path))
    }
}
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Folder holding the data set (or mnist/, fashion-mnist/, cifar-10-batches-bin/); overrides FFBENCH_DATA.")
    var dataDirectory: String?

    var loader: DatasetLoader { DatasetLoader(locator: DataLocator(explicitDirectory: dataDirectory)) }
}

/// Options that override a study's declared analysis plan.
struct PlanOptions: ParsableArguments {
    @Option(help: "The arm every other arm is compared with (default: the study's baseline, else its BP arm).")
    var baseline: String?

    @Option(name: .customLong("target-error"), help: "Error (a fraction, e.g. 0.02) that defines time to target (default: the study's target-error, else the least accurate arm's median best validation error).")
    var targetError: Double?

    @Option(name: .customLong("equivalence-margin"), help: "Accuracy equivalence margin in percentage points (default: the study's, else 0.5).")
    var equivalenceMargin: Double?

    func overrides() throws -> PlanDeclaration {
        if let t = targetError, !(t > 0 && t < 1) { throw ValidationError("--target-error \(t): expected a fraction between 0 and 1") }
        if let m = equivalenceMargin, !(m > 0 && m < 100) { throw ValidationError("--equivalence-margin \(m): expected percentage points between 0 and 100") }
        return .init(baseline: baseline, targetError: targetError, equivalenceMargin: equivalenceMargin)
    }
}

/// Where `train` records its run.
struct RecordingFlags: ParsableArguments {
    /// Where the run is recorded (created if missing); nothing is recorded without it.
    @OptionGroup var database: DatabaseOption

    @Option(help: "Study name stored with the run (with --db).")
    var study: String?

    @Option(help: "Arm name stored with the run, e.g. ff or bp (with --db).")
    var arm: String?

    @Option(name: .customLong("sample-interval"), help: "How often to sample memory and CPU while recording: 20ms, 0.5s, … (1 ms to 1 h).")
    var sampleInterval: String = "20ms"

    func options() throws -> RecordingOptions? {
        guard let interval = RecordingOptions.parseInterval(sampleInterval) else {
            throw ValidationError("--sample-interval '\(sampleInterval)': expected a duration such as 20ms or 0.5s (1 ms to 1 h)")
        }
        guard let db = database.db else {
            if study != nil || arm != nil { throw ValidationError("--study and --arm need --db") }
            return nil
        }
        for (flag, name) in [("--study", study), ("--arm", arm)] {
            if let name, let problem = SafeName.problem(name, gridSuffix: flag == "--arm") { throw ValidationError("\(flag) '\(SafeName.shown(name))': \(problem)") }
        }
        return RecordingOptions(databasePath: db, study: study, arm: arm, sampleInterval: interval)
    }
}

/// A run's specification from a command line: its run options, or a whole spec as JSON.
enum RunSpecArguments {
    static func spec(json: String?, options: [String]) throws -> RunSpec {
        if let json {
            guard options.isEmpty else { throw ValidationError("--spec-json takes no run options (found \(options[0]))") }
            return try RunSpec.decode(json: json)
        }
        return try RunSpec.resolve(RunOptions.parse(arguments: options))
    }
}

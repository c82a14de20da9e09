import ArgumentParser
import Datasets
import Foundation
import Recorder
import Training

/// Option groups several commands share.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Folder holding the data set (or mnist/, fashion-mnist/, cifar-10-batches-bin/); overrides FFBENCH_DATA.")
    var dataDirectory: String?

    var loader: DatasetLoader { DatasetLoader(locator: DataLocator(explicitDirectory: dataDirectory)) }
}

/// Where `train` records its run.
struct RecordingFlags: ParsableArguments {
    @Option(help: "Record the run into this SQLite database (created if missing).")
    var db: String?

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
        guard let db else {
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

import Exports
import ArgumentParser
import Foundation
import RunStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Browse and remove recorded runs.",
        subcommands: [RunsList.self, RunsShow.self, RunsRemove.self]
    )
}

struct DatabaseOption: ParsableArguments {
    @Option(help: "The run database (SQLite).")
    var db: String

    /// The existing database (nothing is created). Listings mark runs whose
    /// process died as interrupted when the file can be written, so what
    /// they show is the truth; a read-only file is read as it is.
    func open(writable: Bool = false) throws -> RunStore {
        try RunStore.openExisting(db, writable: writable || FileManager.default.isWritableFile(atPath: db))
    }
}

struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "One line per run: id, study, arm, algorithm, data set, layers, seed, status, epochs recorded.",
        discussion: "Example:\n  ffbench runs list --db Runs/mnist-quick.sqlite --study mnist-quick")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Only runs of this study.") var study: String?
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        let store = try database.open()
        let runs = try store.runs(study: study)
        switch format {
        case .json:
            try Console.printJSON(runs)
        case .text:
            var table = TextTable(header: ["id", "study", "arm", "algorithm", "dataset", "layers", "seed", "status", "epochs", "started"])
            let counts = try store.epochCounts()
            for r in runs {
                let recorded = counts[r.id] ?? 0
                table.rows.append([String(r.id.prefix(8)), r.study ?? "-", r.arm ?? "-", r.algorithm, r.dataset ?? "-",
                                   r.layers ?? "-", r.seed.map { String($0) } ?? "-", r.status.rawValue,
                                   "\(recorded)/\(r.epochs.map(String.init) ?? "?")", r.startedAt])
            }
            print(runs.isEmpty ? "no runs in \(store.path)" : table.render())
        }
    }
}

struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "A run's settings, host, epochs and sample counts.",
        discussion: "Example:\n  ffbench runs show 3f2a --db Runs/quickstart.sqlite")

    @Argument(help: "Run id (or a unique prefix).") var id: String
    @OptionGroup var database: DatabaseOption
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    struct Detail: Encodable {
        let run: RunRecord
        let epochs: [EpochRecord]
        let sampleCount: Int
        let events: [EventRecord]
        enum CodingKeys: String, CodingKey {
            case run, epochs, events
            case sampleCount = "sample_count"
        }
    }

    func run() throws {
        let store = try database.open()
        let r = try store.run(id)
        let epochs = try store.epochs(r.id)
        let detail = Detail(run: r, epochs: epochs, sampleCount: try store.sampleCount(r.id), events: try store.events(r.id))
        if format == .json { try Console.printJSON(detail); return }
        print("""
        run \(r.id)  \(r.status.rawValue)\(r.message.map { " (\($0))" } ?? "")
          study \(r.study ?? "-"), arm \(r.arm ?? "-"), \(r.algorithm) \(r.layers ?? "") on \(r.dataset ?? "-"), seed \(r.seed.map { String($0) } ?? "-")
          started \(r.startedAt), finished \(r.finishedAt ?? "-"), host \(r.hostname ?? "-"), \(detail.sampleCount) samples
          command: \(r.command ?? "-")
        """)
        var table = TextTable(header: ["epoch", "train loss", "train err", "test err", "train s", "eval s", "peak RSS MiB", "peak tensor MiB"])
        for e in epochs {
            func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "-" }
            func mib(_ v: Int64?) -> String { v.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "-" }
            table.rows.append([String(e.epoch), f(e.trainLoss, "%.4f"), f(e.trainError.map { $0 * 100 }, "%.2f%%"),
                               f(e.testError.map { $0 * 100 }, "%.2f%%"), f(e.trainSeconds, "%.2f"), f(e.evalSeconds, "%.2f"),
                               mib(e.peakRSSBytes), mib(e.peakTensorBytes)])
        }
        if !epochs.isEmpty { print(table.render()) }
    }
}

struct RunsRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete a run with its epochs, samples and events.",
        discussion: "Example:\n  ffbench runs rm 3f2a --db Runs/quickstart.sqlite")

    @Argument(help: "Run id (or a unique prefix).") var id: String
    @OptionGroup var database: DatabaseOption

    func run() throws {
        let store = try database.open(writable: true)
        let r = try store.run(id)
        try store.delete(r.id)
        print("removed run \(r.id)")
    }
}

import Exports
import ArgumentParser
import Foundation
import Reports
import RunStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Browse, check and remove recorded runs.",
        subcommands: [RunsList.self, RunsShow.self, RunsRemove.self, RunsCheck.self]
    )
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
        let store = try database.forListing()
        let runs = try store.runs(study: study)
        if format == .json { try Console.printJSON(runs); return }
        print(runs.isEmpty ? "no runs in \(store.path)" : RunListing.table(runs, epochCounts: try store.epochCounts()))
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

    func run() throws {
        let detail = try RunListing.Detail(store: try database.forListing(), id: id)
        if format == .json { try Console.printJSON(detail); return }
        print(detail.text)
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
        let store = try database.forWriting(creating: false)
        let r = try store.run(id)
        try store.delete(r.id)
        print("removed run \(r.id)")
    }
}

import ArgumentParser
import Foundation
import RunStore

struct RunsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "SQLite's integrity check and ffbench's invariants: one line per problem, exit 1 when there is any.",
        discussion: """
        Checks every page and index (SQLite's integrity and foreign-key checks), then \
        that epochs were recorded in increasing order from 1, that no time is negative \
        (no training epoch takes 0 s), that errors lie in [0, 1], and that every run \
        marked running still sends heartbeats. `report` and `compare` run the \
        invariants before reading, and refuse values that cannot be true.

        Example:
          ffbench runs check --db Runs/quickstart.sqlite
        """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text

    func run() throws {
        // Not verified on opening: damage is what this command reports.
        let store = try database.readOnly(verifying: false)
        let problems = try store.check(.full)
        if format == .json {
            try Console.printJSON(problems)
        } else if problems.isEmpty {
            let runs = try store.runs()
            let epochs = try store.epochCounts().values.reduce(0, +)
            print("\(store.path): no problems in \(runs.count) runs and \(epochs) epochs")
        } else {
            for problem in problems { print(problem) }
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}

import ArgumentParser
import RunStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine run databases from several machines into one, without duplicating runs.",
        discussion: """
        Runs are matched by id: merging the same file twice adds nothing the second time. \
        All or nothing: a damaged source, a full disk or a kill leaves the output as it \
        was (or absent); the merged file is renamed into place only when complete.

        Example:
          ffbench merge laptop.sqlite server.sqlite -o Runs/all.sqlite
        """
    )

    @Argument(help: "Databases to merge.") var sources: [String]
    @Option(name: .shortAndLong, help: "The database to merge into (created if missing).") var output: String

    func validate() throws {
        if sources.isEmpty { throw ValidationError("give at least one database to merge") }
    }

    func run() throws {
        for (source, added) in try RunStore.merge(sources, into: output) {
            print("\(source): \(added) run\(added == 1 ? "" : "s") added")
        }
    }
}

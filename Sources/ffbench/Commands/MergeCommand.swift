import ArgumentParser
import RunStore

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine run databases from several machines into one, without duplicating runs.",
        discussion: """
        Runs are matched by id: merging the same file twice adds nothing the second time.

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
        let target = try RunStore.open(output)
        for source in sources {
            let added = try target.merge(from: source)
            print("\(source): \(added) run\(added == 1 ? "" : "s") added")
        }
    }
}

import ArgumentParser
import Datasets
import Foundation

struct DataFetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download a data set from its public mirror, verify it, and move it into place.",
        discussion: """
        Files are staged and fully verified (structure, SHA-256, class counts) next to \
        the destination and renamed into place only then: a failed or partial download \
        leaves nothing behind.

        Example:
          ffbench data fetch mnist --to Data
        """
    )

    @Argument(help: "Data set: mnist, fashion-mnist or cifar10.")
    var name: DatasetID

    @Option(help: "Data root to put <name>/ in (default: ./Data).")
    var to: String = "Data"

    @Option(help: "Base URL of the mirror (default: the data set's public mirror).")
    var mirror: String?

    func run() async throws {
        guard let base = mirror ?? name.info.mirror else {
            throw UsageError("\(name.rawValue) has no default mirror; give --mirror")
        }
        let location = try await Fetcher(mirror: base).fetch(name, into: to) { Console.status($0) }
        print("\(name.rawValue): fetched and verified into \(location.directory)")
    }
}

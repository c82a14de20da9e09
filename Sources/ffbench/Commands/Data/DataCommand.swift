import ArgumentParser
import Datasets

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Find, verify and fetch the data sets (MNIST, Fashion-MNIST, CIFAR-10).",
        discussion: """
        Files are looked for in this order: --data-dir (only there, when given), then \
        $FFBENCH_DATA/<name>/, then ./Data/<name>/, then /usr/share/datasets/fashion-mnist/ \
        for Fashion-MNIST (Debian's dataset-fashion-mnist package). Folder names:
        mnist/, fashion-mnist/, cifar-10-batches-bin/. Files may be raw or .gz.
        """,
        subcommands: [DataList.self, DataVerify.self, DataFetch.self]
    )
}

/// The option every data-reading command shares.
extension DatasetID: ExpressibleByArgument {
    public init?(argument: String) {
        guard let id = try? DatasetID(parsing: argument) else { return nil }
        self = id
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

func formatCounts(_ counts: [Int]) -> String {
    counts.map(String.init).joined(separator: " ")
}

import ArgumentParser
import Datasets

struct DataVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-hash a data set's files and check record and class counts.",
        discussion: """
        Without a name, verifies every data set that is present and reports the \
        missing ones; fails if any present data set does not verify.

        Example:
          FFBENCH_DATA=../shared/datasets ffbench data verify cifar10
        """
    )

    @Argument(help: "Data set: mnist, fashion-mnist or cifar10 (all present ones when omitted).")
    var name: DatasetID?

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        if let id = name {
            printReport(try data.loader.verify(id))
            return
        }
        var firstFailure: DatasetError?
        for id in DatasetID.allCases {
            switch Result(catching: { () throws(DatasetError) in try data.loader.verify(id) }) {
            case .success(let report):
                printReport(report)
            case .failure(.notFound):
                print("\(id.rawValue): missing (\(id.info.hint))")
            case .failure(let error):
                print("\(id.rawValue): FAILED: \(error)")
                firstFailure = firstFailure ?? error
            }
        }
        if let failure = firstFailure { throw failure }
    }

    private func printReport(_ r: VerificationReport) {
        print("""
        \(r.id.rawValue): verified \(r.location.directory) (\(r.location.source)): SHA-256 of \(r.location.paths.count) files match
          train \(r.trainCount) records, class counts \(formatCounts(r.trainClassCounts))
          test  \(r.testCount) records, class counts \(formatCounts(r.testClassCounts))
        """)
    }
}

import Exports
import ArgumentParser
import Datasets

struct DataList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show each data set, where it was found, and whether it verified.",
        discussion: """
        Verifying re-hashes every file (about a second per data set).

        Example:
          FFBENCH_DATA=../shared/datasets ffbench data list
        """
    )

    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        var table = TextTable(header: ["dataset", "status", "train", "test", "location"])
        for id in DatasetID.allCases {
            let info = id.info
            switch Result(catching: { () throws(DatasetError) in try data.loader.verify(id) }) {
            case .success(let report):
                table.rows.append([id.rawValue, "verified", String(report.trainCount), String(report.testCount),
                                   "\(report.location.directory) (\(report.location.source))"])
            case .failure(.notFound(_, let searched, _)):
                table.rows.append([id.rawValue, "missing", "-", "-",
                                   "searched \(searched.joined(separator: ", ")); \(info.hint)"])
            case .failure(let error):
                table.rows.append([id.rawValue, "INVALID", "-", "-", error.description])
            }
        }
        print(table.render())
    }
}

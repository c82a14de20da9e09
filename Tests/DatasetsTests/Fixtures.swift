import Foundation
@testable import Datasets

/// Real files written by the tests, and the real data sets from FFBENCH_DATA
/// (CI sets it to ../shared/datasets; the folder beside the clone is the fallback).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var dataRoot: String {
        if let env = ProcessInfo.processInfo.environment["FFBENCH_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env).standardizedFileURL.path // absolute: tests make symlinks to it
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }

    static func temporaryDirectory(_ label: String = #function) -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ffbench-tests-\(label.filter(\.isLetter))-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }

    static func idxImages(count: Int, rows: Int = 28, cols: Int = 28, magic: Int = 0x803, fill: UInt8 = 7) -> [UInt8] {
        be32(magic) + be32(count) + be32(rows) + be32(cols) + [UInt8](repeating: fill, count: count * rows * cols)
    }

    static func idxLabels(_ labels: [UInt8], declaredCount: Int? = nil) -> [UInt8] {
        be32(0x801) + be32(declaredCount ?? labels.count) + labels
    }

    /// gzip through the system's gzip, an independent implementation.
    static func gzip(_ path: String) {
        run("/bin/gzip", ["-f", "-n", path])
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        try! p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A folder that looks like `mnist/`: the real training files linked in,
    /// and test files written by the caller.
    static func mnistFolderWithRealTrainFiles(_ label: String = #function) -> String {
        let dir = temporaryDirectory(label)
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"] {
            try! FileManager.default.createSymbolicLink(atPath: dir + "/" + name, withDestinationPath: dataRoot + "/mnist/" + name)
        }
        return dir
    }
}
